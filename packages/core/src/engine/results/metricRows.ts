import { covariateName, type Metric, type MetricKind } from "../../schema/experiment.js";
import type { CupedSide, RatioSide } from "../../stats/types.js";
import { crossPair } from "../../store/aggregates.js";
import type { ExperimentAggregates, MetricAggregate } from "../../store.js";

/** One variant's statistics of one metric, read off the aggregates. */
export interface MetricRow {
  variantKey: string;
  /** Users exposed to the variant. */
  users: number;
  /** The users the statistic is over: all exposed users, or (kind `mean`) those with an event. */
  n: number;
  /** Σ per-user totals and Σ their squares (kind `ratio`: of the numerator). */
  sum: number;
  sumSquares: number;
  usersWithEvents: number;
  events: number;
  /** Rate, mean per user, or Σ numerator / Σ denominator; null with no users. */
  value: number | null;
  /** CUPED's sums for this variant, when the metric names a covariate. */
  cuped: CupedSide | null;
  /** The delta method's sums, for a ratio metric. */
  ratio: RatioSide | null;
}

const EMPTY: MetricAggregate = { events: 0, sum: 0, sumSquares: 0, entities: 0 };

/** The rows of one metric, in the order of `variants` (control first). */
export function metricRows(
  metric: Pick<Metric, "name" | "kind" | "numerator" | "denominator" | "covariate">,
  variants: { key: string; users: number }[],
  aggregates: ExperimentAggregates,
): MetricRow[] {
  return variants.map(({ key, users }) => {
    if (metric.kind === "ratio") return ratioRow(metric, key, users, aggregates);
    const aggregate = read(aggregates.metrics, metric.name, key) ?? EMPTY;
    // `mean` reads the per-user total among users with an event; the others over everyone exposed.
    const n = metric.kind === "mean" ? aggregate.entities : users;
    return {
      variantKey: key,
      users,
      n,
      sum: aggregate.sum,
      sumSquares: aggregate.sumSquares,
      usersWithEvents: aggregate.entities,
      events: aggregate.events,
      value: n === 0 ? null : metricValue(metric.kind, aggregate, n),
      cuped: metric.covariate ? cupedSide(metric, key, users, aggregate, aggregates) : null,
      ratio: null,
    };
  });
}

// --- Internal helpers ---

function metricValue(kind: MetricKind, aggregate: MetricAggregate, n: number): number {
  return kind === "binomial" ? aggregate.entities / n : aggregate.sum / n;
}

// y is the user's total (count, sum) or whether the user converted (binomial); a user who
// supplied no covariate counts with x = 0, which keeps the estimate unbiased.
function cupedSide(
  metric: Pick<Metric, "name" | "kind" | "covariate">,
  variantKey: string,
  users: number,
  aggregate: MetricAggregate,
  aggregates: ExperimentAggregates,
): CupedSide {
  const covariate = metric.covariate === undefined ? "" : covariateName(metric.covariate);
  const x = read(aggregates.covariates, covariate, variantKey);
  const products = read(aggregates.covariateProducts[metric.name] ?? {}, covariate, variantKey);
  const binomial = metric.kind === "binomial";
  return {
    n: users,
    sumY: binomial ? aggregate.entities : aggregate.sum,
    sumY2: binomial ? aggregate.entities : aggregate.sumSquares,
    sumX: x?.sum ?? 0,
    sumX2: x?.sumSquares ?? 0,
    sumXY: (binomial ? products?.sumXWithEvent : products?.sumXY) ?? 0,
  };
}

// Σ numerator / Σ denominator over every exposed user, with what the delta method needs.
function ratioRow(
  metric: Pick<Metric, "name" | "numerator" | "denominator">,
  variantKey: string,
  users: number,
  aggregates: ExperimentAggregates,
): MetricRow {
  const numerator = read(aggregates.metrics, metric.numerator ?? "", variantKey) ?? EMPTY;
  const denominator = read(aggregates.metrics, metric.denominator ?? "", variantKey) ?? EMPTY;
  const [first, second] = crossPair(metric.numerator ?? "", metric.denominator ?? "");
  const products = aggregates.crossProducts[first]?.[second]?.[variantKey] ?? 0;
  return {
    variantKey,
    users,
    n: users,
    sum: numerator.sum,
    sumSquares: numerator.sumSquares,
    usersWithEvents: numerator.entities,
    events: numerator.events,
    value: users === 0 || denominator.sum === 0 ? null : numerator.sum / denominator.sum,
    cuped: null,
    ratio: {
      n: users,
      sumNumerator: numerator.sum,
      sumNumerator2: numerator.sumSquares,
      sumDenominator: denominator.sum,
      sumDenominator2: denominator.sumSquares,
      sumProducts: products,
    },
  };
}

// Own properties only: a metric or variant named `constructor` must not read the prototype.
function read<T>(
  map: Record<string, Record<string, T>>,
  outer: string,
  inner: string,
): T | undefined {
  const level = Object.hasOwn(map, outer) ? map[outer] : undefined;
  return level && Object.hasOwn(level, inner) ? level[inner] : undefined;
}
