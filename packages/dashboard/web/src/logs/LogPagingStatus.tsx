import { ErrorMessage } from "../components/ErrorMessage.js";
import { formatCount } from "../format.js";
import type { LogPages } from "./useLogPages.js";

/**
 * What the table holds and whether more is left: the honest empty states, how many logs the
 * server examined when a filter found few, and the button that reads on.
 */
export function LogPagingStatus({
  pages,
  filtered,
  onLoadMore,
}: {
  pages: Extract<LogPages, { state: "ready" }>;
  filtered: boolean;
  onLoadMore: () => void;
}) {
  const { logs, scanned, exhausted } = pages;
  const examined = `${formatCount(scanned)} ${scanned === 1 ? "execution" : "executions"}`;
  let message: string | null = null;
  if (logs.length === 0 && exhausted) {
    message = filtered ? "No executions match these filters." : "No executions logged yet.";
  } else if (logs.length === 0) {
    message = `No matches in the last ${examined}.`;
  } else if (filtered) {
    message = `${formatCount(logs.length)} ${logs.length === 1 ? "match" : "matches"} in the last ${examined}${exhausted ? " (all of them)" : ""}.`;
  }
  return (
    <div class="log-paging" data-testid="log-paging">
      {message && (
        <p class="muted" data-testid="log-status" aria-live="polite">
          {message}
        </p>
      )}
      {pages.moreError && <ErrorMessage error={pages.moreError} />}
      {!exhausted && (
        <button type="button" class="button" disabled={pages.loadingMore} onClick={onLoadMore}>
          {pages.loadingMore
            ? "Loading…"
            : logs.length === 0
              ? "Search older executions"
              : "Load more"}
        </button>
      )}
    </div>
  );
}
