import * as z from "zod";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { parseInput } from "../../schema/parse.js";
import type { EngineContext } from "../context.js";
import { buildResults } from "./buildResults.js";
import type { ExperimentResults, ResultsOptions } from "./resultTypes.js";

const optionsSchema = z.strictObject({
  alpha: z.number().gt(0).lt(1).default(0.05),
  correction: z
    .strictObject({
      method: z.enum(["holm", "benjamini-hochberg"]).default("holm"),
      across: z.enum(["metrics", "variants", "metrics-and-variants"]).default("metrics"),
    })
    .default({ method: "holm", across: "metrics" }),
});

/**
 * An experiment's results: per metric and variant, users and sufficient statistics, the
 * effect against the control with intervals, p-values, chance to beat control and an
 * always-valid interval, CUPED-adjusted beside raw where a covariate is named; ratio
 * metrics; guardrail verdicts; the sample-ratio check; log metric percentiles. Reads aggregates
 * only, so its cost does not grow with the number of events.
 */
export async function experimentResults(
  ctx: EngineContext,
  experimentKey: string,
  options: ResultsOptions = {},
): Promise<ExperimentResults> {
  ctx.assertOpen();
  const { alpha, correction } = parseInput(optionsSchema, options, "results options");
  const experiment = (await ctx.definitions.get()).experimentsByKey.get(experimentKey)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", experimentKey);
  // Exposures this engine queued belong in the numbers it reports.
  await ctx.assignments.flush();
  const [aggregates, logSummaries] = await Promise.all([
    ctx.store.readAggregates(ctx.projectId, experiment.id),
    ctx.store.readLogSummaries(ctx.projectId, experiment.id),
  ]);
  return buildResults(experiment, aggregates, logSummaries, alpha, correction);
}
