/**
 * Every error code abkit raises, in one table. Codes are stable API: clients match on
 * them (never on messages), and `@abkit/http` maps each to one HTTP status.
 */
export const ErrorCodes = {
  /** Input failed a schema; `details.issues` holds zod's issues unchanged. */
  validation_failed: "Input did not match the expected shape",
  /** The named experiment, flag, segment, key, project or log does not exist (in this project). */
  not_found: "Not found",
  /** A unique key is taken, or a record changed since it was read. */
  conflict: "Conflict",
  /** A lifecycle transition the state machine forbids, or a change a status forbids. */
  invalid_transition: "Invalid lifecycle transition",
  /** An event or conversion named an experiment that is a draft or stopped. */
  experiment_not_running: "Experiment not running",
  /** No credentials, or credentials that do not match a live key. */
  unauthorized: "Unauthorized",
  /** Valid credentials without the scope the operation needs. */
  forbidden: "Forbidden",
  /** A request that is not well-formed: unreadable JSON, invalid UTF-8, nesting too deep. */
  malformed_request: "Malformed request",
  /** A request or batch larger than the configured limit. */
  payload_too_large: "Payload too large",
  /** A request (headers and body) that did not arrive within the server's time limit. */
  request_timeout: "Request timeout",
  /** A request body that is not `application/json`. */
  unsupported_media_type: "Unsupported media type",
  /** The store failed, timed out or could not be reached. */
  store_unavailable: "Store unavailable",
  /** A store file or schema written by a newer abkit than this one. */
  store_version_unsupported: "Store version unsupported",
  /** The engine was used after `close()`. */
  closed: "Engine closed",
  /** A bug: an invariant abkit relies on did not hold. */
  internal: "Internal error",
} as const;

/** One of abkit's stable error codes. */
export type ErrorCode = keyof typeof ErrorCodes;
