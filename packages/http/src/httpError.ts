import { AbkitError, type ErrorCode, isAbkitError } from "@abkit/core";
import type { HttpResponse } from "./exchange.js";
import type { Logger } from "./logger.js";

/** The HTTP status of each error code: the one place codes become statuses. */
const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  experiment_not_running: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  store_unavailable: 503,
  closed: 503,
  store_version_unsupported: 500,
  internal: 500,
};

/**
 * What a 5xx says: the server's failures are not the caller's business, and their messages
 * (driver codes, SQL, file paths) stay in the server log.
 */
const SERVER_MESSAGE: Partial<Record<ErrorCode, string>> = {
  store_unavailable: "the store is unavailable or timed out; retry later",
  closed: "the server is shutting down; retry on another instance or later",
  store_version_unsupported:
    "the store cannot be used by this server; the server log has the details",
  internal: "unexpected error; the server log has the details",
};

/**
 * `{ error: { code, message, details? } }` with the code's status. A 4xx says what was
 * wrong with the request; a 5xx says only what happened (the log has the rest), and unknown
 * errors are 500s that leak nothing.
 */
export function errorResponse(error: unknown): HttpResponse {
  const code = isAbkitError(error) ? error.code : "internal";
  const status = STATUS[code] ?? 500;
  if (status < 500) return { status, body: { error: (error as AbkitError).toJSON() } };
  const message = SERVER_MESSAGE[code] ?? (SERVER_MESSAGE.internal as string);
  return { status, body: { error: { code: STATUS[code] ? code : "internal", message } } };
}

/**
 * Writes a failed request to the log: every 5xx with its error (stack and causes) at
 * `error`, the rest at `debug`.
 */
export function logFailure(
  logger: Logger,
  error: unknown,
  response: HttpResponse,
  request: { method: string; path: string },
): void {
  const fields = {
    err: error,
    status: response.status,
    method: request.method,
    path: request.path,
  };
  if (response.status >= 500) logger.error(fields, `${request.method} ${request.path} failed`);
  else logger.debug(fields, `${request.method} ${request.path} refused`);
}

/** An error the request itself caused: malformed, too large, or of the wrong type. */
export function requestError(
  code: "malformed_request" | "payload_too_large" | "unsupported_media_type",
  message: string,
): AbkitError {
  return new AbkitError(code, message);
}
