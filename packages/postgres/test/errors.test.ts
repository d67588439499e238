import { ConflictError, isAbkitError } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { isTransient, SQLSTATE, toAbkitError } from "../src/index.js";

// What node-postgres throws: server errors carry the SQLSTATE in `code`, socket errors
// Node's code, and some (a connection terminated, a pool timeout) no code at all.
const serverError = (code: string, constraint?: string) =>
  Object.assign(new Error(`server says ${code}`), { code, constraint, severity: "ERROR" });
const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe("postgres error mapping", () => {
  it("maps data the server refuses to validation_failed, keeping the driver's error as cause", () => {
    for (const code of ["22021", "22003", "22P02", "22001", "23502", "23514"]) {
      const cause = serverError(code);
      const error = toAbkitError(cause);
      expect(error.code, code).toBe("validation_failed");
      expect(error.cause).toBe(cause);
    }
  });

  it("maps a unique violation not caught where the contract names it to conflict", () => {
    const error = toAbkitError(serverError("23505", "event_keys_pkey"));
    expect(error.code).toBe("conflict");
    expect(error.details).toMatchObject({ store: "postgres", constraint: "event_keys_pkey" });
  });

  it("maps connection failures, timeouts, shutdowns and deadlocks to store_unavailable", () => {
    const causes = [
      socketError("ECONNREFUSED"),
      socketError("ECONNRESET"),
      socketError("ETIMEDOUT"),
      socketError("ENOTFOUND"),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      serverError("57P01"),
      serverError("57014"),
      serverError("53300"),
      serverError("08006"),
      serverError(SQLSTATE.deadlockDetected),
      serverError(SQLSTATE.serializationFailure),
      serverError("42501"),
      "a string",
    ];
    for (const cause of causes) {
      const error = toAbkitError(cause);
      expect(error.code, String(cause)).toBe("store_unavailable");
      expect(error.cause).toBe(cause);
      expect(error.message).toMatch(/^postgres store: /);
    }
    expect(toAbkitError(serverError("57014")).message).toContain("statement_timeout");
    expect(toAbkitError(socketError("ECONNREFUSED")).message).toContain("ECONNREFUSED");
  });

  it("passes abkit errors through unchanged", () => {
    const conflict = new ConflictError("taken", { id: "x" });
    expect(toAbkitError(conflict)).toBe(conflict);
    expect(isAbkitError(toAbkitError(new Error("x")))).toBe(true);
  });

  it("calls only deadlocks and serialization failures transient", () => {
    expect(isTransient(serverError("40P01"))).toBe(true);
    expect(isTransient(serverError("40001"))).toBe(true);
    for (const code of ["23505", "57014", "08006", "22003"]) {
      expect(isTransient(serverError(code)), code).toBe(false);
    }
    expect(isTransient(socketError("ECONNRESET"))).toBe(false);
    expect(isTransient(null)).toBe(false);
  });
});
