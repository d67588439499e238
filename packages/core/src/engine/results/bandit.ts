import { AbkitError } from "../../errors/AbkitError.js";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { type BanditRebalance, type Experiment, metricDirection } from "../../schema/experiment.js";
import { sampleMean, sampleVariance } from "../../stats/moments.js";
import { chanceToBeBest, type Posterior } from "../../stats/thompson.js";
import type { ExperimentAggregates } from "../../store.js";
import { writeDefinition } from "../admin/writeDefinition.js";
import type { EngineContext } from "../context.js";
import { executionView, isExecutionMetric } from "./executionMetrics.js";

/** The most reweightings a bandit keeps in its history (the oldest go first). */
export const BANDIT_HISTORY_LIMIT = 1000;

/** Each arm's posterior on the bandit's primary metric, in variant order. */
export function banditPosteriors(
  experiment: Experiment,
  aggregates: ExperimentAggregates,
): Posterior[] {
  const primary = experiment.metrics.find((metric) => metric.primary);
  const byVariant = (primary && aggregates.metrics[primary.name]) || {};
  const exposures = (key: string) => aggregates.exposures[key] ?? 0;
  if (primary?.kind !== "mean") {
    // Rates: Beta(1 + conversions, 1 + non-conversions), a uniform prior.
    return experiment.variants.map((variant) => {
      const users = exposures(variant.key);
      const converted = Math.min(byVariant[variant.key]?.entities ?? 0, users);
      return { kind: "beta", alpha: 1 + converted, beta: 1 + users - converted };
    });
  }
  // Means: normal around each arm's mean with its standard error. An arm with fewer than 2
  // active users borrows every arm's spread, so it is explored rather than ignored.
  const pooled = { n: 0, sum: 0, sumSquares: 0 };
  for (const aggregate of Object.values(byVariant)) {
    pooled.n += aggregate.entities;
    pooled.sum += aggregate.sum;
    pooled.sumSquares += aggregate.sumSquares;
  }
  const pooledMean = sampleMean(pooled) ?? 0;
  const pooledSd = Math.sqrt(sampleVariance(pooled) ?? 1) || 1;
  return experiment.variants.map((variant) => {
    const aggregate = byVariant[variant.key];
    const side = {
      n: aggregate?.entities ?? 0,
      sum: aggregate?.sum ?? 0,
      sumSquares: aggregate?.sumSquares ?? 0,
    };
    const variance = sampleVariance(side);
    if (side.n < 2 || variance === null) return { kind: "normal", mean: pooledMean, sd: pooledSd };
    return { kind: "normal", mean: side.sum / side.n, sd: Math.sqrt(variance / side.n) || 1e-12 };
  });
}

/**
 * Each arm's chance to be the best on the primary metric in its direction: for a
 * lower-is-better metric, the chance its value is the lowest. Computed on the mirrored
 * posteriors (`1 - p` is Beta(β, α); `-x` is normal around `-mean`), so one formula serves both.
 */
export function banditChances(experiment: Experiment, posteriors: Posterior[]): number[] {
  const primary = experiment.metrics.find((metric) => metric.primary);
  if (!primary || metricDirection(primary) === "higher") return chanceToBeBest(posteriors);
  return chanceToBeBest(
    posteriors.map(
      (posterior): Posterior =>
        posterior.kind === "beta"
          ? { kind: "beta", alpha: posterior.beta, beta: posterior.alpha }
          : { kind: "normal", mean: -posterior.mean, sd: posterior.sd },
    ),
  );
}

/**
 * Traffic shares from each arm's chance to be best, with every arm kept at `floor` percent:
 * `floor + (100 - arms · floor) · chance`, rounded to 1e-6 with the rounding put on the
 * largest share so they sum to exactly 100.
 */
export function banditWeights(chances: number[], floor: number): number[] {
  const spare = 100 - floor * chances.length;
  const weights = chances.map((chance) => Math.round((floor + spare * chance) * 1e6) / 1e6);
  const largest = weights.indexOf(Math.max(...weights));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  weights[largest] = Math.round(((weights[largest] ?? 0) + 100 - total) * 1e6) / 1e6;
  return weights;
}

/**
 * Recomputes a running bandit's shares from its data (Thompson sampling) and stores them
 * with the time, in one revision-checked write. With `onlyIfDue`, does nothing (returns
 * null) unless its `intervalMs` has passed since its last rebalance: several processes may
 * ask at once and only one writes.
 */
export async function rebalanceBandit(
  ctx: EngineContext,
  key: string,
  options: { onlyIfDue?: boolean; now?: () => Date } = {},
): Promise<BanditRebalance | null> {
  const now = options.now ?? (() => new Date());
  const experiment = (await ctx.definitions.latest()).experimentsByKey.get(key)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", key);
  if (!experiment.bandit) {
    throw new AbkitError("validation_failed", `experiment "${key}" is not a bandit`, {
      details: { experimentKey: key },
    });
  }
  if (experiment.status !== "running") {
    throw new AbkitError(
      "experiment_not_running",
      `experiment "${key}" is ${experiment.status}: only a running bandit is rebalanced`,
      { details: { experimentKey: key, status: experiment.status } },
    );
  }
  if (options.onlyIfDue && !isDue(experiment, now())) return null;
  const aggregates = await banditAggregates(ctx, experiment);
  const posteriors = banditPosteriors(experiment, aggregates);
  const chances = banditChances(experiment, posteriors);
  const weights = banditWeights(chances, experiment.bandit.floor);
  const keys = experiment.variants.map((variant) => variant.key);
  const made: BanditRebalance = {
    at: now().toISOString(),
    weights: Object.fromEntries(keys.map((variantKey, index) => [variantKey, weights[index] ?? 0])),
    chanceToBeBest: Object.fromEntries(
      keys.map((variantKey, index) => [variantKey, chances[index] ?? 0]),
    ),
  };
  const change = made;
  // Stored at the revision read: a process that rebalanced meanwhile wins, and this one
  // re-checks whether a rebalance is still due.
  try {
    await writeDefinition(ctx, "experiment", key, (_defs, current) => {
      if (!current?.bandit || current.status !== "running") throw NOT_DUE;
      if (options.onlyIfDue && !isDue(current, new Date(change.at))) throw NOT_DUE;
      const previous = current.banditState?.history ?? [];
      return {
        ...current,
        banditState: {
          weights: change.weights,
          history: [...previous, change].slice(-BANDIT_HISTORY_LIMIT),
        },
        revision: current.revision + 1,
        updatedAt: change.at,
      };
    });
  } catch (error) {
    if (error === NOT_DUE) return null;
    throw error;
  }
  return made;
}

// --- Internal helpers ---

// An execution-unit primary reads the log summaries, in the aggregates' shape.
async function banditAggregates(
  ctx: EngineContext,
  experiment: Experiment,
): Promise<ExperimentAggregates> {
  const aggregates = await ctx.store.readAggregates(ctx.projectId, experiment.id);
  const primary = experiment.metrics.find((metric) => metric.primary);
  if (!primary || !isExecutionMetric(primary)) return aggregates;
  const summaries = await ctx.store.readLogSummaries(ctx.projectId, experiment.id);
  return executionView(experiment, aggregates, summaries).aggregates;
}

const NOT_DUE = new Error("not due");

function isDue(experiment: Experiment, at: Date): boolean {
  const interval = experiment.bandit?.intervalMs;
  if (interval === null || interval === undefined) return false;
  const last = experiment.banditState?.history.at(-1)?.at ?? experiment.startedAt;
  return last === null || at.getTime() - Date.parse(last) >= interval;
}
