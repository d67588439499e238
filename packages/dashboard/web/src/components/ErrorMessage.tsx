import type { ApiError } from "../api/client.js";

/** An API error exactly as the API wrote it: its code and its message. */
export function ErrorMessage({ error }: { error: ApiError }) {
  return (
    <div class="error" role="alert" data-testid="api-error">
      <strong class="error-code">{error.code}</strong>
      {error.status > 0 && <span class="error-status"> (HTTP {error.status})</span>}
      <p class="error-message">{error.message}</p>
    </div>
  );
}
