import { isAbkitError } from "@abkit/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { toAbkitError } from "../src/errors.js";

// An input SQLite refuses is the request's problem, not an outage to retry.
describe("toAbkitError", () => {
  it("turns data SQLite refuses into validation_failed, with the driver error only as cause", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (v REAL NOT NULL)");
    let thrown: unknown;
    try {
      db.prepare("INSERT INTO t (v) VALUES (?)").run(Number.NaN);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { code?: string }).code).toBe("SQLITE_CONSTRAINT_NOTNULL");
    const mapped = toAbkitError(thrown);
    expect(mapped.code).toBe("validation_failed");
    expect(mapped.message).not.toContain("SQLITE");
    expect(mapped.cause).toBe(thrown);
    db.close();
  });

  it("keeps locked databases and I/O failures as store_unavailable", () => {
    for (const code of ["SQLITE_BUSY", "SQLITE_IOERR"]) {
      const mapped = toAbkitError(Object.assign(new Error("x"), { code }));
      expect(isAbkitError(mapped) && mapped.code).toBe("store_unavailable");
    }
  });
});
