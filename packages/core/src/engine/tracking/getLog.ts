import { NotFoundError } from "../../errors/NotFoundError.js";
import type { LogRecord } from "../../schema/log.js";
import type { EngineContext } from "../context.js";
import { experimentIdOf } from "./experimentIdOf.js";

/**
 * One log of an experiment, with its scores; `not_found` when the experiment is unknown or
 * the log belongs to no experiment of that key (another experiment's log is not shown).
 */
export async function getExperimentLog(
  ctx: EngineContext,
  experimentKey: string,
  logId: string,
): Promise<LogRecord> {
  ctx.assertOpen();
  const experimentId = await experimentIdOf(ctx, experimentKey);
  const log = await ctx.store.getLog(ctx.projectId, logId);
  if (!log || log.experimentId !== experimentId) throw new NotFoundError("log", logId);
  return log;
}
