import { AbkitError } from "./AbkitError.js";

/** A lifecycle move the state machine forbids, or an edit the current status forbids. */
export class InvalidTransitionError extends AbkitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("invalid_transition", message, { details });
  }
}
