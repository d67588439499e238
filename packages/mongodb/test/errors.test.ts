import { createRequire } from "node:module";
import { ConflictError, isAbkitError, NotFoundError, ValidationError } from "@abkit/core";
import {
  type BulkWriteResult,
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
  type WriteError,
} from "mongodb";
import { describe, expect, it } from "vitest";
import { isDuplicateKey, toAbkitError } from "../src/index.js";

// The driver exports WriteError and BulkWriteResult as types only; its bulk module has the
// classes the driver builds bulk errors from.
const bulk = createRequire(import.meta.url)("mongodb/lib/bulk/common.js") as {
  WriteError: new (err: {
    index: number;
    code: number;
    errmsg: string;
    errInfo: object;
    op: object;
  }) => WriteError;
  BulkWriteResult: new (raw: object, ordered: boolean) => BulkWriteResult;
};

// Built with the driver's own classes, as the driver builds them.
const duplicateKey = () =>
  new MongoServerError({
    message:
      "E11000 duplicate key error collection: abkit.abkit_definitions index: project_kind_id",
    code: 11000,
    codeName: "DuplicateKey",
    keyPattern: { projectId: 1, kind: 1, id: 1 },
    keyValue: { projectId: "p", kind: "segment", id: "seg_1" },
  });

function bulkError(codes: number[], writeConcernError?: { code: number; errmsg: string }) {
  const writeErrors = codes.map(
    (code, index) =>
      new bulk.WriteError({ index, code, errmsg: `error ${code}`, errInfo: {}, op: {} }),
  );
  const result = new bulk.BulkWriteResult(
    {
      ok: 1,
      writeErrors,
      writeConcernErrors: writeConcernError ? [writeConcernError] : [],
      insertedIds: [],
      nInserted: 0,
      nUpserted: 0,
      nMatched: 0,
      nModified: 0,
      nRemoved: 0,
      upserted: [],
    },
    false,
  );
  return new MongoBulkWriteError({ message: "bulk", code: codes[0] ?? 0, writeErrors }, result);
}

// The reason is a TopologyDescription, which the driver does not export as a class.
const topology = () => ({}) as ConstructorParameters<typeof MongoServerSelectionError>[1];

describe("toAbkitError", () => {
  it("turns a duplicate key into conflict, keeping the index it hit", () => {
    const error = toAbkitError(duplicateKey());
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe("conflict");
    expect(error.details).toMatchObject({ keyPattern: { projectId: 1, kind: 1, id: 1 } });
    expect(toAbkitError(new MongoServerError({ message: "legacy", code: 11001 })).code).toBe(
      "conflict",
    );
  });

  it("recognises a bulk error as a duplicate only when every write error is one", () => {
    expect(isDuplicateKey(bulkError([11000, 11000]))).toBe(true);
    expect(toAbkitError(bulkError([11000])).code).toBe("conflict");
    // Mixed with a document validation failure: something else went wrong too.
    expect(isDuplicateKey(bulkError([11000, 121]))).toBe(false);
    expect(toAbkitError(bulkError([11000, 121])).code).toBe("store_unavailable");
    // Duplicates, but the write concern failed: not a plain duplicate.
    expect(
      isDuplicateKey(bulkError([11000], { code: 64, errmsg: "waiting for replication timed out" })),
    ).toBe(false);
  });

  it.each([
    [
      "a network error",
      new MongoNetworkError("connect ECONNREFUSED 127.0.0.1:27017"),
      "network error",
    ],
    ["a network timeout", new MongoNetworkTimeoutError("connection timed out"), "timed out"],
    [
      "a server selection timeout",
      new MongoServerSelectionError("Server selection timed out after 200 ms", topology()),
      "no server could be selected",
    ],
    ["a closed topology", new MongoTopologyClosedError(), "closed"],
    ["a closed client", new MongoClientClosedError(), "closed"],
    [
      "a write concern error",
      new MongoWriteConcernError({
        writeConcernError: { code: 64, errmsg: "waiting for replication timed out" },
        ok: 1,
      }),
      "write concern",
    ],
    [
      "a stepped-down primary",
      new MongoServerError({ message: "not primary", code: 10107, codeName: "NotWritablePrimary" }),
      "NotWritablePrimary",
    ],
    ["a bulk write cut by the network", bulkError([]), "bulk"],
    ["a plain Error", new Error("boom"), "boom"],
    ["a thrown string", "boom", "boom"],
  ])("turns %s into store_unavailable", (_, thrown, message) => {
    const error = toAbkitError(thrown);
    expect(isAbkitError(error)).toBe(true);
    expect(error.code).toBe("store_unavailable");
    expect(error.message).toMatch(/^mongodb store: /);
    expect(error.message).toContain(message);
    expect(error.details).toEqual({ store: "mongodb" });
    expect(error.cause).toBe(thrown);
  });

  it("never reads the message: a duplicate key is the code, not the words", () => {
    const lookalike = new MongoServerError({
      message: "E11000 duplicate key error",
      code: 2,
      codeName: "BadValue",
    });
    expect(toAbkitError(lookalike).code).toBe("store_unavailable");
    expect(toAbkitError(new Error("E11000 duplicate key error")).code).toBe("store_unavailable");
    expect(isDuplicateKey({ code: 11000 })).toBe(false); // not a driver error at all
  });

  it("passes abkit errors through unchanged", () => {
    for (const error of [
      new NotFoundError("flag", "x"),
      ValidationError.field(["value"], "bad"),
      new ConflictError("c"),
    ]) {
      expect(toAbkitError(error)).toBe(error);
    }
  });
});
