import type * as z from "zod";
import { AbkitError } from "./AbkitError.js";

/**
 * Input that failed a schema. `issues` are zod's, unchanged; the message names each
 * offending field by its path (`variants.1.weight: ...`).
 */
export class ValidationError extends AbkitError {
  readonly issues: z.core.$ZodIssue[];

  constructor(issues: z.core.$ZodIssue[], what = "input") {
    super("validation_failed", `Invalid ${what}: ${describeIssues(issues)}`, {
      details: { issues },
    });
    this.issues = issues;
  }

  /** A validation error about one field, shaped like zod's own custom issues. */
  static field(path: PropertyKey[], message: string, what = "input"): ValidationError {
    return new ValidationError([{ code: "custom", path, message, input: undefined }], what);
  }
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path === "" ? issue.message : `${path}: ${issue.message}`;
    })
    .join("; ");
}
