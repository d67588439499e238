// Execution-unit metrics (`unit: "execution"`) read the log summaries, where every execution
// (log) is one observation of its log metric or score of the metric's name. Turned into the
// shape of an entity metric's aggregate (one "entity" per execution), they go through the
// same comparisons, guardrails, verdicts and bandit posteriors as every other metric.
// Log summaries are kept neither per day nor per slice: execution metrics have no series
// over time and no dimension breakdown.
import type { Experiment, Metric } from "../../schema/experiment.js";
import type {
  ExperimentAggregates,
  LogMetricSummary,
  LogSummaries,
  MetricAggregate,
} from "../../store.js";
import { estimatesOnly } from "./comparisons.js";
import type { MetricResult } from "./resultTypes.js";

/** The aggregates with execution metrics read from the summaries (see `executionView`). */
export interface ExecutionView {
  aggregates: ExperimentAggregates;
  /**
   * Execution metrics of which some variant's summary lacks squares (summaries written
   * before sums of squares were kept): their variance is unknown, so they get estimates only.
   */
  varianceUnknown: Set<string>;
}

/** Whether a metric reads executions rather than entities. */
export function isExecutionMetric(metric: Pick<Metric, "unit">): boolean {
  return metric.unit === "execution";
}

/**
 * `aggregates` with each execution metric of `experiment` replaced by its log summaries:
 * per variant `events = entities = count` (executions carrying the metric), `sum` and
 * `sumSquares` of their values. Its per-day and per-slice entries are dropped (it has none
 * of its own; an entity event of the same name must not pass for it). Experiments without
 * execution metrics get `aggregates` itself.
 *
 * @example
 * const { aggregates: view } = executionView(experiment, aggregates, summaries);
 * view.metrics.cost?.B; // { events: 812, entities: 812, sum: 9.7, sumSquares: 0.13 }
 */
export function executionView(
  experiment: Pick<Experiment, "metrics">,
  aggregates: ExperimentAggregates,
  summaries: LogSummaries,
): ExecutionView {
  const names = experiment.metrics.filter(isExecutionMetric).map((metric) => metric.name);
  const varianceUnknown = new Set<string>();
  if (names.length === 0) return { aggregates, varianceUnknown };
  const metrics = { ...aggregates.metrics };
  const eventsByDay = { ...aggregates.eventsByDay };
  const metricsByDay = { ...aggregates.metricsByDay };
  for (const name of names) {
    const byVariant: Record<string, MetricAggregate> = {};
    for (const [variantKey, variantSummaries] of Object.entries(summaries)) {
      const summary = Object.hasOwn(variantSummaries, name) ? variantSummaries[name] : undefined;
      if (!summary || summary.count <= 0) continue;
      const { aggregate, squaresKnown } = asAggregate(summary);
      if (!squaresKnown) varianceUnknown.add(name);
      byVariant[variantKey] = aggregate;
    }
    metrics[name] = byVariant;
    delete eventsByDay[name];
    delete metricsByDay[name];
  }
  const slices = Object.fromEntries(
    Object.entries(aggregates.slices).map(([dimension, values]) => [
      dimension,
      Object.fromEntries(
        Object.entries(values).map(([value, slice]) => [
          value,
          { ...slice, metrics: without(slice.metrics, names) },
        ]),
      ),
    ]),
  );
  return {
    aggregates: { ...aggregates, metrics, eventsByDay, metricsByDay, slices },
    varianceUnknown,
  };
}

/**
 * Keeps only the estimates of a metric whose variance is unknown: intervals, p-values, the
 * always-valid interval, chance to beat control, the Bayesian view and the guardrail reading
 * all need it, and a variance from part of the executions would be wrong, not imprecise.
 */
export function withoutVarianceClaims(metric: MetricResult): void {
  for (const variant of metric.variants) {
    if (!variant.comparison) continue;
    estimatesOnly(variant.comparison);
    variant.comparison.chanceToBeatControl = null;
    variant.comparison.bayesian = null;
  }
}

// --- Internal helpers ---

// Without every log's square, the squares are set to zero spread (sum² / count): the stats
// code never sees a negative variance, and `withoutVarianceClaims` drops what it would say.
function asAggregate(summary: LogMetricSummary): {
  aggregate: MetricAggregate;
  squaresKnown: boolean;
} {
  const { count, sum, sumSquares, squared } = summary;
  const squaresKnown =
    squared === count &&
    sumSquares !== undefined &&
    Number.isFinite(sum) &&
    Number.isFinite(sumSquares) &&
    sumSquares >= 0;
  return {
    aggregate: {
      events: count,
      entities: count,
      sum,
      sumSquares: squaresKnown ? (sumSquares as number) : (sum * sum) / count,
    },
    squaresKnown,
  };
}

function without<T>(map: Record<string, T>, names: string[]): Record<string, T> {
  const kept = { ...map };
  for (const name of names) delete kept[name];
  return kept;
}
