import { NotFoundError } from "../../errors/NotFoundError.js";
import type { EngineContext } from "../context.js";

/** The metric seed 002's conversions count in (what `trackConversion` records by default). */
const CONVERSION_METRIC = "conversion";

/**
 * Users with at least one conversion in an experiment, over all its variants: seed 002's
 * `conversions` count. Read from the stored aggregates, so it costs O(variants).
 */
export async function countConversions(ctx: EngineContext, experimentKey: string): Promise<number> {
  ctx.assertOpen();
  const experiment = (await ctx.definitions.get()).experimentsByKey.get(experimentKey)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", experimentKey);
  const { metrics } = await ctx.store.readAggregates(ctx.projectId, experiment.id);
  return Object.values(metrics[CONVERSION_METRIC] ?? {}).reduce(
    (total, aggregate) => total + aggregate.entities,
    0,
  );
}
