import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  AbkitError,
  ConflictError,
  ErrorCodes,
  InvalidTransitionError,
  isAbkitError,
  NotFoundError,
  ValidationError,
} from "../src/errors/index.js";

describe("errors", () => {
  it("gives every error a code from the one table", () => {
    const errors = [
      new NotFoundError("flag", "f"),
      new ConflictError("taken"),
      new InvalidTransitionError("no"),
      ValidationError.field(["a"], "bad"),
      new AbkitError("store_unavailable", "down"),
    ];
    for (const error of errors) {
      expect(Object.keys(ErrorCodes)).toContain(error.code);
      expect(error).toBeInstanceOf(AbkitError);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it("keeps instanceof working for errors built by another copy of the package", () => {
    // What a second copy of @abkit/core would build: same registry symbol, another class.
    class OtherCopyNotFound extends Error {
      readonly code = "not_found";
      constructor() {
        super("gone");
        this.name = "NotFoundError";
        Object.defineProperty(this, Symbol.for("abkit.error"), { value: true });
      }
    }
    const foreign = new OtherCopyNotFound();
    expect(isAbkitError(foreign)).toBe(true);
    expect(foreign).toBeInstanceOf(AbkitError);
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(foreign).not.toBeInstanceOf(ConflictError);
    expect(new Error("plain")).not.toBeInstanceOf(AbkitError);
    expect(isAbkitError({ code: "not_found" })).toBe(false);
  });

  it("carries zod's issues unchanged and names each field in the message", () => {
    const schema = z.object({ variants: z.array(z.object({ weight: z.number() })) });
    const result = schema.safeParse({ variants: [{ weight: 1 }, { weight: "x" }] });
    if (result.success) throw new Error("expected a failure");
    const error = new ValidationError(result.error.issues, "experiment");
    expect(error.issues).toBe(result.error.issues);
    expect(error.message).toMatch(/^Invalid experiment: variants\.1\.weight: /);
    expect(error.toJSON()).toMatchObject({
      code: "validation_failed",
      details: { issues: result.error.issues },
    });
  });

  it("keeps the cause", () => {
    const cause = new Error("ECONNREFUSED");
    expect(new AbkitError("store_unavailable", "down", { cause }).cause).toBe(cause);
  });
});
