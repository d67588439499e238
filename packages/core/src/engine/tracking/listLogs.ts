import * as z from "zod";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { parseInput } from "../../schema/parse.js";
import type { LogPage } from "../../store.js";
import type { EngineContext } from "../context.js";

/** Paging of `logs()`. */
export interface LogsPageOptions {
  /** Logs per page: 50 by default, at most 500. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

const pageSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});

/** An experiment's logs, newest first, one page at a time. */
export async function listLogs(
  ctx: EngineContext,
  experimentKey: string,
  options: LogsPageOptions = {},
): Promise<LogPage> {
  ctx.assertOpen();
  const page = parseInput(pageSchema, options, "logs page");
  const experiment = (await ctx.definitions.get()).experimentsByKey.get(experimentKey)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", experimentKey);
  return ctx.store.listLogs(ctx.projectId, experiment.id, {
    limit: page.limit,
    before: page.cursor,
  });
}
