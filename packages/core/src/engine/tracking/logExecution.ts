import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { newId } from "../../ids.js";
import { type LogInput, logInputSchema } from "../../schema/log.js";
import { parseInput } from "../../schema/parse.js";
import type { EngineContext } from "../context.js";

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
