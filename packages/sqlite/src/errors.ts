import { type AbkitError, isAbkitError, StoreUnavailableError } from "@abkit/core";

/**
 * Turns whatever a SQLite call threw into an abkit error, in one place. Busy and locked
 * databases (a write lock held past the busy timeout) and I/O failures become
 * `store_unavailable`; abkit errors pass through unchanged.
 */
export function toAbkitError(error: unknown): AbkitError {
  if (isAbkitError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new StoreUnavailableError(
      "sqlite",
      "the database stayed locked by another connection past the busy timeout",
      error,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(
    "sqlite",
    typeof code === "string" ? `${code}: ${message}` : message,
    error,
  );
}

/** True when SQLite refused a write for a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
