import { type AbkitError, isAbkitError, StoreUnavailableError, ValidationError } from "@abkit/core";

/**
 * SQLite refusing the data itself (NaN stored as NULL in a NOT NULL column, a value too big
 * or of the wrong type): retrying cannot help, so this is not an outage.
 */
const REFUSED_DATA = new Set([
  "SQLITE_CONSTRAINT_NOTNULL",
  "SQLITE_CONSTRAINT_CHECK",
  "SQLITE_MISMATCH",
  "SQLITE_TOOBIG",
  "SQLITE_RANGE",
]);

/**
 * Turns whatever a SQLite call threw into an abkit error, in one place. Data SQLite refuses
 * becomes `validation_failed` (with the driver's error as its cause, not in its message);
 * busy and locked databases (a write lock held past the busy timeout) and I/O failures become
 * `store_unavailable`; abkit errors pass through unchanged.
 */
export function toAbkitError(error: unknown): AbkitError {
  if (isAbkitError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && REFUSED_DATA.has(code)) {
    const refused = ValidationError.field(
      [],
      "the store cannot hold a value this request produced (a number that is not finite, or a value too large)",
      "data",
    );
    return Object.assign(refused, { cause: error });
  }
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
