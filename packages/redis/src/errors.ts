import {
  AbkitError,
  ConflictError,
  checkDefinitionId,
  checkDefinitionRevision,
  type DefinitionKind,
  isAbkitError,
  MAX_EVENT_VALUE,
  NotFoundError,
  StoreUnavailableError,
  ValidationError,
} from "@abkit/core";

/**
 * Turns a script's negative status code into the abkit error it stands for: the one place
 * where Lua results become errors.
 */
export function scriptError(code: number, context: ScriptContext): AbkitError {
  const { kind = "experiment", key = "", id = "", expectedRevision = 0, detail } = context;
  try {
    switch (code) {
      case -1:
        checkDefinitionRevision(kind, key, Number(detail), expectedRevision);
        break;
      case -2:
        return new ConflictError(`${kind} id "${id}" already exists`, { kind, id });
      case -3:
        checkDefinitionId(kind, key, String(detail), id);
        break;
      case -4:
        return new NotFoundError(kind, key);
      case -5:
        return ValidationError.field(
          [Number(detail), "value"],
          `must be a finite number between -${MAX_EVENT_VALUE} and ${MAX_EVENT_VALUE}`,
          "events",
        );
      case -6:
        return new ConflictError(`log "${id}" already exists`, { id });
      case -7:
        return new ConflictError(`API key "${id}" already exists`, { id });
    }
  } catch (error) {
    if (isAbkitError(error)) return error;
  }
  return new AbkitError("internal", `redis store: unexpected script status ${code}`);
}

/** What a script was doing, to name it in the error. */
export interface ScriptContext {
  kind?: DefinitionKind;
  key?: string;
  id?: string;
  expectedRevision?: number;
  detail?: unknown;
}

/**
 * Turns a client or server failure into `store_unavailable`: the store's `toError`, so
 * `defineStore` maps every method's failures here (abkit errors pass through before).
 */
export function toAbkitError(error: unknown): AbkitError {
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError("redis", message, error);
}
