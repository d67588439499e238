import * as z from "zod";
import { parseInput } from "../../schema/parse.js";
import type { EngineContext } from "../context.js";
import { canonicalJson } from "./canonicalJson.js";
import { getExperimentLog } from "./getLog.js";
import { type LogsQueryPage, MAX_LOGS_SCANNED } from "./logQuery.js";
import { scanLogs } from "./scanLogs.js";

/** Options of `logsWithSameInput()`. */
export interface SameInputOptions {
  /** Matches per page: 10 by default, at most 100. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** How many logs this call may examine: 5,000 by default and at most. */
  scanLimit?: number;
}

const sameInputSchema = z.strictObject({
  limit: z.number().int().min(1).max(100).default(10),
  cursor: z.string().min(1).max(64).optional(),
  scanLimit: z.number().int().min(1).max(MAX_LOGS_SCANNED).default(MAX_LOGS_SCANNED),
});

/**
 * The logs of the experiment's other variants whose `input` deep-equals this log's (key
 * order ignored), newest first: the executions to compare it with. Examines at most
 * `scanLimit` logs per call, answering with a cursor to continue.
 */
export async function sameInputLogs(
  ctx: EngineContext,
  experimentKey: string,
  logId: string,
  options: SameInputOptions = {},
): Promise<LogsQueryPage> {
  const page = parseInput(sameInputSchema, options, "same-input options");
  const log = await getExperimentLog(ctx, experimentKey, logId);
  const input = canonicalJson(log.input);
  return scanLogs(ctx, log.experimentId, {
    before: page.cursor,
    limit: page.limit,
    budget: page.scanLimit,
    pageSize: Number.POSITIVE_INFINITY,
    match: (other) => other.variantKey !== log.variantKey && canonicalJson(other.input) === input,
  });
}
