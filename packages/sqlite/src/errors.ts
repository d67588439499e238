import {
  type AbkitError,
  ConflictError,
  isAbkitError,
  StoreUnavailableError,
  ValidationError,
} from "@abkit/core";
import type Database from "better-sqlite3";

// SQLite refusing the data itself (NaN stored as NULL in a NOT NULL column, a value too big
// or of the wrong type): retrying cannot help, so this is not an outage.
const REFUSED_DATA = new Set([
  "SQLITE_CONSTRAINT_NOTNULL",
  "SQLITE_CONSTRAINT_CHECK",
  "SQLITE_MISMATCH",
  "SQLITE_TOOBIG",
  "SQLITE_RANGE",
]);

/**
 * Turns what a SQLite call threw into an abkit error, in one place (the store's `toError`).
 * Data SQLite refuses becomes `validation_failed` (the driver's error is its cause, not in
 * its message); a lock held past the busy timeout and I/O failures become
 * `store_unavailable`; abkit errors pass through.
 */
export function toAbkitError(error: unknown): AbkitError {
  if (isAbkitError(error)) return error;
  const code = codeOf(error);
  if (code !== undefined && REFUSED_DATA.has(code)) {
    const refused = ValidationError.field(
      [],
      "the store cannot hold a value this request produced (a number that is not finite, or a value too large)",
      "data",
    );
    return Object.assign(refused, { cause: error });
  }
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    const message = "the database stayed locked by another connection past the busy timeout";
    return new StoreUnavailableError("sqlite", message, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError("sqlite", code ? `${code}: ${message}` : message, error);
}

/** Runs an insert of a new row: a taken primary or unique key is a `conflict` about `what`. */
export function insertUnique(
  insert: Database.Statement,
  row: unknown[],
  what: string,
  details: Record<string, unknown>,
): void {
  try {
    insert.run(...row);
  } catch (error) {
    const code = codeOf(error);
    if (code !== "SQLITE_CONSTRAINT_UNIQUE" && code !== "SQLITE_CONSTRAINT_PRIMARYKEY") throw error;
    throw new ConflictError(`${what} already exists`, details);
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
