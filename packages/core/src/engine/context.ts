import { AbkitError } from "../errors/AbkitError.js";
import type { Store } from "../store.js";
import type { DefinitionsCache } from "./evaluation/definitionsCache.js";
import type { AssignmentQueue } from "./tracking/assignmentQueue.js";

/** What every part of a project's engine shares. */
export interface EngineContext {
  store: Store;
  projectId: string;
  /** The environment evaluations use when the call names none. */
  environment: string;
  definitions: DefinitionsCache;
  assignments: AssignmentQueue;
  /** Throws `closed` once the engine is closed. */
  assertOpen(): void;
}

/** The `closed` error, raised by calls made after `close()`. */
export function closedError(): AbkitError {
  return new AbkitError("closed", "this abkit engine was closed; create a new one");
}
