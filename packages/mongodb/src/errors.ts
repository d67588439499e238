import { type AbkitError, ConflictError, isAbkitError, StoreUnavailableError } from "@abkit/core";
import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from "mongodb";

/** MongoDB's duplicate key error codes (11001 is the legacy one some servers still send). */
const DUPLICATE_KEY_CODES: ReadonlySet<unknown> = new Set([11000, 11001]);

/**
 * Turns whatever a driver call threw into an abkit error, in one place. Abkit errors pass
 * through; a duplicate key (code 11000) becomes `conflict`; everything else (network
 * failures, server selection and operation timeouts, a closed client, unsatisfied write
 * concerns, other server errors) becomes `store_unavailable`. Matches on error classes and
 * codes only, never on message text.
 *
 * @example
 * toAbkitError(duplicateKeyError).code; // "conflict"; a network error: "store_unavailable"
 */
export function toAbkitError(error: unknown): AbkitError {
  if (isAbkitError(error)) return error;
  if (isDuplicateKey(error)) {
    return new ConflictError("mongodb store: a unique key is already taken", {
      store: "mongodb",
      keyPattern: keyPatternOf(error),
    });
  }
  return new StoreUnavailableError("mongodb", describe(error), error);
}

/**
 * True when the driver refused a write only because a unique index already holds the key:
 * a server error with code 11000, or a bulk error all of whose write errors are (and that
 * carries no write concern error).
 *
 * @example
 * if (!isDuplicateKey(error)) throw error;
 */
export function isDuplicateKey(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    // The driver types a bulk error's write errors as one or many.
    const { writeErrors } = error;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0) return DUPLICATE_KEY_CODES.has(error.code);
    return (
      list.every((writeError) => DUPLICATE_KEY_CODES.has(writeError.code)) &&
      error.result?.getWriteConcernError?.() === undefined
    );
  }
  return (
    error instanceof MongoServerError &&
    !(error instanceof MongoWriteConcernError) &&
    DUPLICATE_KEY_CODES.has(error.code)
  );
}

/** The index a duplicate key hit (`{ projectId: 1, kind: 1, id: 1 }`), when the server says. */
export function keyPatternOf(error: unknown): Record<string, unknown> | undefined {
  const pattern = (error as { keyPattern?: unknown } | null)?.keyPattern;
  return typeof pattern === "object" && pattern !== null
    ? (pattern as Record<string, unknown>)
    : undefined;
}

// --- Internal helpers ---

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof MongoServerSelectionError) {
    return `no server could be selected (unreachable, or no primary) within serverSelectionTimeoutMS: ${message}`;
  }
  if (error instanceof MongoNetworkTimeoutError || error instanceof MongoOperationTimeoutError) {
    return `the operation timed out: ${message}`;
  }
  if (error instanceof MongoNetworkError) return `network error: ${message}`;
  if (
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoClientClosedError
  ) {
    return `the MongoClient is closed: ${message}`;
  }
  if (error instanceof MongoWriteConcernError) {
    return `the write concern was not satisfied (code ${String(error.code)}): ${message}`;
  }
  if (error instanceof MongoServerError) {
    const name = typeof error.codeName === "string" ? `${error.codeName} ` : "";
    return `server error ${name}(code ${String(error.code)}): ${message}`;
  }
  return message;
}
