import * as z from "zod";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { newId } from "../../ids.js";
import { type LogInput, logInputSchema } from "../../schema/log.js";
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

/**
 * Records one execution of a variant (seed 001): input, output, numeric metrics (latency,
 * tokens, cost) and context. `variantKey` must be a variant of the experiment.
 */
export async function logExecution(
  ctx: EngineContext,
  experimentKey: string,
  input: LogInput,
): Promise<{ logId: string }> {
  ctx.assertOpen();
  const entry = parseInput(logInputSchema, input, "log");
  const experiment = (await ctx.definitions.get()).experimentsByKey.get(experimentKey)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", experimentKey);
  if (!experiment.variants.some((variant) => variant.key === entry.variantKey)) {
    const keys = experiment.variants.map((variant) => variant.key).join(", ");
    throw ValidationError.field(
      ["variantKey"],
      `"${entry.variantKey}" is not a variant of "${experimentKey}" (variants: ${keys})`,
      "log",
    );
  }
  const logId = newId("log");
  await ctx.store.appendLog({
    id: logId,
    projectId: ctx.projectId,
    experimentId: experiment.id,
    variantKey: entry.variantKey,
    input: entry.input ?? null,
    output: entry.output ?? null,
    metrics: entry.metrics,
    context: entry.context ?? null,
    createdAt: new Date().toISOString(),
  });
  return { logId };
}

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
