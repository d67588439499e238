import { AbkitError, type ErrorCode, isAbkitError } from "@abkit/core";
import type { HttpResponse } from "./exchange.js";

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
  payload_too_large: 413,
  unsupported_media_type: 415,
  store_unavailable: 503,
  closed: 503,
  store_version_unsupported: 500,
  internal: 500,
};

/** `{ error: { code, message, details? } }` with the code's status. Unknown errors are 500s that leak nothing. */
export function errorResponse(error: unknown): HttpResponse {
  const abkitError = isAbkitError(error)
    ? error
    : new AbkitError("internal", "unexpected error; the server log has the details");
  return { status: STATUS[abkitError.code] ?? 500, body: { error: abkitError.toJSON() } };
}

/** An error the request itself caused: malformed, too large, or of the wrong type. */
export function requestError(
  code: "malformed_request" | "payload_too_large" | "unsupported_media_type",
  message: string,
): AbkitError {
  return new AbkitError(code, message);
}
