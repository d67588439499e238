import type { Experiment, MetricKind } from "../schema/experiment.js";
import { chanceToBeatControl, chanceToBeatControlNormal } from "../stats/chanceToBeatControl.js";
import { holmAdjust } from "../stats/multipleTesting.js";
import { proportionTest } from "../stats/proportionTest.js";
import { sequentialInterval } from "../stats/sequential.js";
import { sketchQuantile } from "../stats/sketch.js";
import { type SrmResult, srmTest } from "../stats/srmTest.js";
import type { Interval } from "../stats/types.js";
import { welchTest } from "../stats/welchTest.js";
import type { ExperimentAggregates, LogSummaries, MetricAggregate } from "../store.js";
import { type ExposureDay, exposuresOverTime } from "./exposuresOverTime.js";

/** One variant's numbers for one metric, with its comparison against the control. */
export interface VariantMetricResult {
  variantKey: string;
  /** Users exposed to the variant. */
  users: number;
  /** The users the statistic is over: all exposed users, or (kind `mean`) those with an event. */
  n: number;
  /** Σ of per-user totals, Σ of their squares, users with at least one event, events. */
  sum: number;
  sumSquares: number;
  usersWithEvents: number;
  events: number;
  /** Mean per user, or the conversion rate (`binomial`); null with no users. */
  value: number | null;
  /** Against the control; null for the control itself. */
  comparison: Comparison | null;
}

/** A treatment against the control (treatment minus control). */
export interface Comparison {
  absolute: { estimate: number | null; ci: Interval | null };
  relative: { estimate: number; ci: Interval | null } | null;
  pValue: number | null;
  /** Holm–Bonferroni across this metric's comparisons (equal to `pValue` with one). */
  pValueAdjusted: number | null;
  /** P(treatment beats control): Beta posteriors (binomial) or normal approximation. */
  chanceToBeatControl: number | null;
  /** Always-valid interval for the absolute effect: safe to read at any time. */
  sequential: { ci: Interval; halfWidth: number } | null;
}

/** One metric across the variants. */
export interface MetricResult {
  name: string;
  kind: MetricKind;
  primary: boolean;
  /** False for a metric events carry but the experiment does not list (read as `count`). */
  declared: boolean;
  variants: VariantMetricResult[];
}

/** One log metric (latency, tokens...) of one variant. */
export interface LogMetricVariant {
  variantKey: string;
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** What `results()` returns. */
export interface ExperimentResults {
  experimentKey: string;
  experimentId: string;
  status: Experiment["status"];
  control: string;
  alpha: number;
  variants: { key: string; weight: number; users: number }[];
  /** Sample-ratio mismatch of exposures against the weights. */
  srm: SrmResult;
  /**
   * Exposures per UTC day, ascending and without gaps, from the first to the last day with
   * one; each entry has every variant key in `exposures` and in the running `cumulative`.
   * Empty without exposures.
   */
  exposuresOverTime: ExposureDay[];
  metrics: MetricResult[];
  logMetrics: { name: string; variants: LogMetricVariant[] }[];
}

/** Options of `results()`. */
export interface ResultsOptions {
  /** Significance level: 0.05 (95% intervals) by default. */
  alpha?: number;
}

/** Turns an experiment's aggregates into results; costs O(variants × metrics). */
export function buildResults(
  experiment: Experiment,
  aggregates: ExperimentAggregates,
  logSummaries: LogSummaries,
  alpha: number,
): ExperimentResults {
  const control = experiment.control ?? experiment.variants[0]?.key ?? "";
  const ordered = [
    ...experiment.variants.filter((variant) => variant.key === control),
    ...experiment.variants.filter((variant) => variant.key !== control),
  ];
  const users = (key: string) => aggregates.exposures[key] ?? 0;
  const declared = new Set(experiment.metrics.map((metric) => metric.name));
  const metrics = [
    ...experiment.metrics.map((metric) => ({ ...metric, declared: true })),
    ...Object.keys(aggregates.metrics)
      .filter((name) => !declared.has(name))
      .sort()
      .map((name) => ({ name, kind: "count" as const, primary: false, declared: false })),
  ];
  return {
    experimentKey: experiment.key,
    experimentId: experiment.id,
    status: experiment.status,
    control,
    alpha,
    variants: ordered.map((variant) => ({
      key: variant.key,
      weight: variant.weight,
      users: users(variant.key),
    })),
    srm: srmTest(
      ordered.map((variant) => users(variant.key)),
      ordered.map((variant) => variant.weight),
    ),
    exposuresOverTime: exposuresOverTime(
      ordered.map((variant) => variant.key),
      aggregates.exposuresByDay,
    ),
    metrics: metrics.map((metric) => ({
      ...metric,
      variants: metricVariants(
        metric.kind,
        ordered.map((variant) => ({
          variantKey: variant.key,
          users: users(variant.key),
          aggregate: aggregates.metrics[metric.name]?.[variant.key],
        })),
        alpha,
      ),
    })),
    logMetrics: logMetrics(
      ordered.map((variant) => variant.key),
      logSummaries,
    ),
  };
}

// --- Internal helpers ---

const EMPTY: MetricAggregate = { events: 0, sum: 0, sumSquares: 0, entities: 0 };

function metricVariants(
  kind: MetricKind,
  sides: { variantKey: string; users: number; aggregate: MetricAggregate | undefined }[],
  alpha: number,
): VariantMetricResult[] {
  const rows = sides.map(({ variantKey, users, aggregate = EMPTY }) => {
    // `mean` reads the per-user total among users with an event; the others over everyone exposed.
    const n = kind === "mean" ? aggregate.entities : users;
    const value = n === 0 ? null : kind === "binomial" ? aggregate.entities / n : aggregate.sum / n;
    return {
      variantKey,
      users,
      n,
      sum: aggregate.sum,
      sumSquares: aggregate.sumSquares,
      usersWithEvents: aggregate.entities,
      events: aggregate.events,
      value,
    };
  });
  const [control, ...treatments] = rows;
  if (!control) return [];
  const comparisons = treatments.map((row) => compare(kind, control, row, alpha));
  const adjusted = holmAdjust(comparisons.map((comparison) => comparison.pValue));
  return [
    { ...control, comparison: null },
    ...treatments.map((row, index) => ({
      ...row,
      comparison: { ...comparisons[index]!, pValueAdjusted: adjusted[index] ?? null },
    })),
  ];
}

type Row = Omit<VariantMetricResult, "comparison">;

// pValueAdjusted is filled in once every comparison of the metric is known.
function compare(kind: MetricKind, control: Row, treatment: Row, alpha: number): Comparison {
  if (kind === "binomial") {
    const c = { n: control.n, conversions: control.usersWithEvents };
    const t = { n: treatment.n, conversions: treatment.usersWithEvents };
    const test = proportionTest(c, t, { alpha });
    return {
      absolute: test.absolute,
      relative: test.relative,
      pValue: test.pValue,
      pValueAdjusted: null,
      chanceToBeatControl: c.n > 0 && t.n > 0 ? chanceToBeatControl(c, t) : null,
      sequential: sequential(test.absolute.estimate, test.se, control.n + treatment.n, alpha),
    };
  }
  const test = welchTest(control, treatment, { alpha });
  return {
    absolute: test.absolute,
    relative: test.relative,
    pValue: test.pValue,
    pValueAdjusted: null,
    chanceToBeatControl:
      test.absolute.estimate === null
        ? null
        : chanceToBeatControlNormal(test.absolute.estimate, test.se),
    sequential: sequential(test.absolute.estimate, test.se, control.n + treatment.n, alpha),
  };
}

function sequential(estimate: number | null, se: number | null, n: number, alpha: number) {
  if (estimate === null || se === null) return null;
  return sequentialInterval(estimate, se, n, { alpha });
}

function logMetrics(variantKeys: string[], summaries: LogSummaries) {
  const names = new Set<string>();
  for (const metrics of Object.values(summaries))
    for (const name of Object.keys(metrics)) names.add(name);
  return [...names].sort().map((name) => ({
    name,
    variants: variantKeys.map((variantKey): LogMetricVariant => {
      const summary = Object.hasOwn(summaries, variantKey)
        ? summaries[variantKey]?.[name]
        : undefined;
      if (!summary || summary.count === 0) {
        return { variantKey, count: 0, mean: null, p50: null, p95: null, p99: null };
      }
      return {
        variantKey,
        count: summary.count,
        mean: summary.sum / summary.count,
        p50: sketchQuantile(summary.buckets, 0.5),
        p95: sketchQuantile(summary.buckets, 0.95),
        p99: sketchQuantile(summary.buckets, 0.99),
      };
    }),
  }));
}
