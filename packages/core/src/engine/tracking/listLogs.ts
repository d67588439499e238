import { parseInput } from "../../schema/parse.js";
import type { EngineContext } from "../context.js";
import { experimentIdOf } from "./experimentIdOf.js";
import { cursorAtTime, floorAtTime } from "./logIdBounds.js";
import {
  type LogsQueryOptions,
  type LogsQueryPage,
  logsQuerySchema,
  matchesQuery,
  narrowsBeyondTime,
} from "./logQuery.js";
import { scanLogs } from "./scanLogs.js";

/** Paging of `logs()` (its filters are in `LogsQueryOptions`). */
export type LogsPageOptions = LogsQueryOptions;

/**
 * An experiment's logs, newest first, one page at a time, optionally filtered by variant,
 * time, score range and entity. Time bounds follow the id order (ids sort by creation time);
 * the other filters examine at most `scanLimit` logs per call, so a rare match answers with
 * fewer logs (maybe none), `exhausted: false` and a cursor to continue.
 */
export async function listLogs(
  ctx: EngineContext,
  experimentKey: string,
  options: LogsQueryOptions = {},
): Promise<LogsQueryPage> {
  ctx.assertOpen();
  const query = parseInput(logsQuerySchema, options, "logs query");
  const experimentId = await experimentIdOf(ctx, experimentKey);
  return scanLogs(ctx, experimentId, {
    before: query.to === undefined ? query.cursor : cursorAtTime(query.to, query.cursor),
    floor: query.from === undefined ? undefined : floorAtTime(query.from),
    limit: query.limit,
    budget: query.scanLimit,
    // Unfiltered (or time-only) reads match almost every log: ask for just a page.
    pageSize: narrowsBeyondTime(query) ? Number.POSITIVE_INFINITY : query.limit,
    match: (log) => matchesQuery(log, query),
  });
}
