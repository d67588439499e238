import type { LogRecord } from "../../schema/log.js";
import type { EngineContext } from "../context.js";
import type { LogsQueryPage } from "./logQuery.js";

/** The largest page asked of the store while scanning. */
const STORE_PAGE_SIZE = 500;

/** How to walk an experiment's logs, newest first. */
export interface LogScan {
  /** Start below this log id (exclusive); from the newest log when undefined. */
  before: string | undefined;
  /** Stop at the first log whose id is below this one. */
  floor?: string | undefined;
  /** Matches wanted. */
  limit: number;
  /** Logs that may be examined. */
  budget: number;
  /** Logs asked of the store per read. */
  pageSize: number;
  match(log: LogRecord): boolean;
}

/**
 * Reads an experiment's logs page by page, newest first, keeping those that `match`, until
 * `limit` matched, `budget` logs were examined, or no older log is left. The returned cursor
 * continues right after the last log examined (or the last one returned).
 */
export async function scanLogs(
  ctx: EngineContext,
  experimentId: string,
  scan: LogScan,
): Promise<LogsQueryPage> {
  const logs: LogRecord[] = [];
  let before = scan.before;
  let scanned = 0;
  const done = (nextCursor: string | null) => ({
    logs,
    nextCursor,
    scanned,
    exhausted: nextCursor === null,
  });
  for (;;) {
    const size = Math.min(scan.pageSize, STORE_PAGE_SIZE, scan.budget - scanned);
    // The budget is spent: say where to continue (`before` is set once anything was read).
    if (size <= 0) return done(before ?? null);
    const page = await ctx.store.listLogs(ctx.projectId, experimentId, { limit: size, before });
    for (const [index, log] of page.logs.entries()) {
      if (scan.floor !== undefined && log.id < scan.floor) return done(null);
      scanned++;
      before = log.id;
      if (!scan.match(log)) continue;
      logs.push(log);
      if (logs.length === scan.limit) {
        const lastOfAll = index === page.logs.length - 1 && page.nextCursor === null;
        return done(lastOfAll ? null : log.id);
      }
    }
    if (page.nextCursor === null || page.logs.length === 0) return done(null);
    before = page.nextCursor;
  }
}
