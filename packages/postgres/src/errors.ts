import {
  type AbkitError,
  ConflictError,
  isAbkitError,
  StoreUnavailableError,
  ValidationError,
} from "@abkit/core";

/** PostgreSQL's SQLSTATE codes the store acts on (see the server's "Error Codes" appendix). */
export const SQLSTATE = {
  uniqueViolation: "23505",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  undefinedTable: "42P01",
} as const;

/**
 * True when the server aborted the transaction only because of another one (a deadlock or a
 * serialization failure): running it again may succeed.
 *
 * @example
 * if (isTransient(error) && attempt < maxAttempts) continue;
 */
export function isTransient(error: unknown): boolean {
  const code = sqlstateOf(error);
  return code === SQLSTATE.serializationFailure || code === SQLSTATE.deadlockDetected;
}

/**
 * The unique constraint a write hit (`logs_pkey`, `definitions_id_key`...), or undefined
 * when `error` is not a unique violation.
 *
 * @example
 * if (uniqueViolationOf(error) === "api_keys_hash_key") throw new ConflictError(...);
 */
export function uniqueViolationOf(error: unknown): string | undefined {
  if (sqlstateOf(error) !== SQLSTATE.uniqueViolation) return undefined;
  const constraint = (error as { constraint?: unknown }).constraint;
  return typeof constraint === "string" ? constraint : "";
}

/**
 * Turns whatever a pg call threw into an abkit error, in one place (the store's `toError`).
 * Abkit errors pass through. Data the server refuses (class 22, data exceptions such as a
 * NUL character in a string or a number out of range; class 23 check and not-null
 * violations) becomes `validation_failed`: retrying cannot help. A unique violation not
 * caught where the contract names it becomes `conflict`. Everything else (connection
 * refused, reset or terminated, timeouts, a server shutting down, too many connections,
 * deadlocks past the retries, missing privileges) is `store_unavailable`. Matches on
 * SQLSTATE and Node error codes, never on message text.
 *
 * @example
 * toAbkitError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })).code; // "store_unavailable"
 */
export function toAbkitError(error: unknown): AbkitError {
  if (isAbkitError(error)) return error;
  const code = sqlstateOf(error);
  if (code !== undefined && (code.startsWith("22") || code === "23502" || code === "23514")) {
    const refused = ValidationError.field(
      [],
      `the database refused a value of this request (SQLSTATE ${code}): a string with a NUL character, or a number it cannot hold`,
      "data",
    );
    return Object.assign(refused, { cause: error });
  }
  if (code === SQLSTATE.uniqueViolation) {
    return new ConflictError("postgres store: a unique key is already taken", {
      store: "postgres",
      constraint: uniqueViolationOf(error),
    });
  }
  return new StoreUnavailableError("postgres", describe(error, code), error);
}

/** The five-character SQLSTATE of a server error, or undefined for anything else. */
export function sqlstateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

// --- Internal helpers ---

// Why the server or the connection failed, for a `store_unavailable` message.
function describe(error: unknown, sqlstate: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (sqlstate === undefined) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" ? `${code}: ${message}` : message;
  }
  const reason = REASONS.find(([prefix]) => sqlstate.startsWith(prefix))?.[1];
  return `${reason ? `${reason} ` : ""}(SQLSTATE ${sqlstate}): ${message}`;
}

// By SQLSTATE class or code, longest first where they overlap.
const REASONS: readonly [string, string][] = [
  ["40P01", "a deadlock with another transaction, past the retries"],
  ["40001", "a serialization failure, past the retries"],
  ["57014", "the statement was cancelled (statement_timeout)"],
  ["57P", "the server is shutting down or restarting"],
  ["08", "the connection failed"],
  ["53", "the server is out of a resource (connections, memory or disk)"],
  ["42501", "the database user lacks a privilege"],
  ["42P01", "a table is missing (was the schema dropped?)"],
  ["3F000", "the schema is missing"],
];
