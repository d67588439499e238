import type { ErrorCode } from "./codes.js";

// A registry symbol (not a class identity) marks abkit errors, so `isAbkitError` and
// `instanceof` still work when two copies of @abkit/core end up in one process.
const ABKIT_ERROR = Symbol.for("abkit.error");

/** Options every abkit error accepts. */
export interface AbkitErrorOptions {
  /** Structured, JSON-safe facts about the failure (field names, allowed values...). */
  details?: Record<string, unknown>;
  /** The underlying error, kept for logs and debuggers. */
  cause?: unknown;
}

/**
 * The base of every error abkit throws. Match on `code`, never on `message`.
 *
 * @example
 * try {
 *   await abkit.experiments.start("checkout");
 * } catch (error) {
 *   if (isAbkitError(error) && error.code === "invalid_transition") console.warn(error.message);
 * }
 */
export class AbkitError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AbkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
    Object.defineProperty(this, ABKIT_ERROR, { value: true });
  }

  // `instanceof AbkitError` holds for every abkit error; `instanceof NotFoundError` only for
  // errors built by a class of that name, whichever copy of the package built them.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!isAbkitError(value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `instanceof` names.
    return this === AbkitError || value.name === this.name;
  }

  /** The JSON shape the HTTP API sends: `{ code, message, details? }`. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True for any abkit error, from any copy of the package. */
export function isAbkitError(value: unknown): value is AbkitError {
  return typeof value === "object" && value !== null && ABKIT_ERROR in value;
}
