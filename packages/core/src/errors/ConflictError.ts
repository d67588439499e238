import { AbkitError } from "./AbkitError.js";

/** A key already taken, or a record changed by someone else since it was read. */
export class ConflictError extends AbkitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("conflict", message, { details });
  }
}
