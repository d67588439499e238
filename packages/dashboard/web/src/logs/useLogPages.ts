import { useCallback, useEffect, useState } from "preact/hooks";
import type { ApiError } from "../api/client.js";
import type { LogQuery, LogRecord } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { asApiError } from "../useLoad.js";

/** The pages of logs read so far for one query, with how many logs the server examined. */
export type LogPages =
  | { state: "loading" }
  | { state: "error"; error: ApiError }
  | {
      state: "ready";
      logs: LogRecord[];
      nextCursor: string | null;
      /** Logs examined over every page read (the server's `scanned`, summed). */
      scanned: number;
      exhausted: boolean;
      loadingMore: boolean;
      moreError: ApiError | null;
    };

/** Reads the first page of `query`, and the next one on `loadMore`. */
export function useLogPages(
  experimentKey: string,
  query: LogQuery,
  queryKey: string,
): [LogPages, () => Promise<void>] {
  const client = useClient();
  const [pages, setPages] = useState<LogPages>({ state: "loading" });

  // `queryKey` is the query's text: the reads restart when it changes.
  useEffect(() => {
    let current = true;
    setPages({ state: "loading" });
    client.logs(experimentKey, query).then(
      (page) =>
        current &&
        setPages({
          state: "ready",
          logs: page.logs,
          nextCursor: page.nextCursor,
          scanned: page.scanned ?? page.logs.length,
          exhausted: page.exhausted ?? page.nextCursor === null,
          loadingMore: false,
          moreError: null,
        }),
      (error: unknown) => current && setPages({ state: "error", error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [client, experimentKey, queryKey]);

  const loadMore = useCallback(async () => {
    if (pages.state !== "ready" || pages.nextCursor === null || pages.loadingMore) return;
    const before = pages;
    setPages({ ...before, loadingMore: true, moreError: null });
    try {
      const page = await client.logs(experimentKey, { ...query, cursor: before.nextCursor ?? "" });
      setPages({
        ...before,
        logs: [...before.logs, ...page.logs],
        nextCursor: page.nextCursor,
        scanned: before.scanned + (page.scanned ?? page.logs.length),
        exhausted: page.exhausted ?? page.nextCursor === null,
        loadingMore: false,
      });
    } catch (error) {
      setPages({ ...before, loadingMore: false, moreError: asApiError(error) });
    }
  }, [client, experimentKey, queryKey, pages]);

  return [pages, loadMore];
}
