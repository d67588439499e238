import type {
  BanditRebalance,
  Experiment,
  Guardrail,
  Metric,
  MetricKind,
} from "../../schema/experiment.js";
import { chanceToBeatControl, chanceToBeatControlNormal } from "../../stats/chanceToBeatControl.js";
import { cupedTest } from "../../stats/cuped.js";
import { benjaminiHochbergAdjust, holmAdjust } from "../../stats/multipleTesting.js";
import { proportionTest } from "../../stats/proportionTest.js";
import { ratioTest } from "../../stats/ratioTest.js";
import { proportionSequentialInterval, sequentialInterval } from "../../stats/sequential.js";
import { sketchQuantile } from "../../stats/sketch.js";
import { type SrmResult, srmTest } from "../../stats/srmTest.js";
import { chanceToBeBest, type Posterior } from "../../stats/thompson.js";
import type { Interval, RelativeEffect, TestResult } from "../../stats/types.js";
import { welchTest } from "../../stats/welchTest.js";
import type { ExperimentAggregates, LogSummaries } from "../../store.js";
import { banditPosteriors } from "./bandit.js";
import { type ExposureDay, exposuresOverTime } from "./exposuresOverTime.js";
import { type GuardrailVerdict, guardrailVerdict } from "./guardrails.js";
import { type MetricRow, metricRows } from "./metricRows.js";

/**
 * One variant's numbers for one metric (users, n, sums, value: see `MetricRow`), with its
 * comparison against the control.
 */
export interface VariantMetricResult extends Omit<MetricRow, "cuped" | "ratio"> {
  /** Against the control; null for the control itself. */
  comparison: Comparison | null;
}

/** A treatment against the control (treatment minus control). */
export interface Comparison {
  absolute: { estimate: number | null; ci: Interval | null };
  /** `(treatment - control) / |control|`, its interval and p-value (see `relativeEffect`). */
  relative: RelativeEffect | null;
  pValue: number | null;
  /** `pValue` corrected for multiple comparisons (see `ExperimentResults.correction`). */
  pValueAdjusted: number | null;
  /** P(treatment beats control): Beta posteriors (binomial) or normal approximation. */
  chanceToBeatControl: number | null;
  /** Always-valid interval for the absolute effect: safe to read at any time. */
  sequential: { ci: Interval; halfWidth: number } | null;
  /** The CUPED-adjusted effect, when the metric names a covariate. */
  cuped: CupedComparison | null;
  /** The guardrail's verdict on this treatment, when the metric is a guardrail. */
  guardrail: GuardrailVerdict | null;
}

/** The variance-reduced effect (see `cupedTest`), beside the raw one. */
export interface CupedComparison {
  absolute: { estimate: number | null; ci: Interval | null };
  relative: RelativeEffect | null;
  pValue: number | null;
  theta: number | null;
  varianceReduction: number | null;
}

/** One metric across the variants. */
export interface MetricResult {
  name: string;
  kind: MetricKind;
  primary: boolean;
  /** Kind `ratio`: the metrics divided. */
  numerator?: string;
  denominator?: string;
  /** The CUPED covariate (an entity property, or a metric's pre-period), when one is named. */
  covariate?: Metric["covariate"];
  guardrail?: Guardrail;
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
  /**
   * Sample-ratio mismatch of exposures against the weights; null for a bandit, whose shares
   * move on purpose.
   */
  srm: SrmResult | null;
  /** A bandit's arms (live share, posterior, chance to be best) and its reweightings. */
  bandit: BanditResults | null;
  /**
   * Exposures per UTC day, ascending and without gaps, from the first to the last day with
   * one; each entry has every variant key in `exposures` and in the running `cumulative`.
   * Empty without exposures.
   */
  exposuresOverTime: ExposureDay[];
  metrics: MetricResult[];
  /** Every guardrail a treatment breaks (status `harm`), to show apart from the decision. */
  guardrailViolations: GuardrailViolation[];
  /** How `pValueAdjusted` was corrected. */
  correction: Required<MultipleTesting>;
  logMetrics: { name: string; variants: LogMetricVariant[] }[];
}

/** What `results()` reports of a bandit instead of fixed-sample tests. */
export interface BanditResults {
  floor: number;
  intervalMs: number | null;
  arms: {
    variantKey: string;
    /** The share of traffic it gets now, in percent. */
    weight: number;
    /** P(this arm has the best primary metric), from the posteriors below. */
    chanceToBeBest: number;
    posterior: Posterior;
  }[];
  history: BanditRebalance[];
}

/** A treatment whose guardrail interval shows harm beyond the tolerated change. */
export interface GuardrailViolation {
  metric: string;
  variantKey: string;
  harm: Guardrail["harm"];
  tolerance: number;
  toleranceScale: Guardrail["toleranceScale"];
  absolute: { estimate: number | null; ci: Interval | null } | null;
  relative: { estimate: number; ci: Interval | null } | null;
}

/**
 * The multiple-comparison correction of `pValueAdjusted`: Holm (family-wise error) or
 * Benjamini-Hochberg (false discovery rate), over each metric's treatments (`variants`) or
 * over every treatment of every metric but guardrails (`metrics-and-variants`).
 */
export interface MultipleTesting {
  method?: "holm" | "benjamini-hochberg";
  across?: "variants" | "metrics-and-variants";
}

/** Options of `results()`. */
export interface ResultsOptions {
  /** Significance level: 0.05 (95% intervals) by default. */
  alpha?: number;
  /** Holm over each metric's treatments by default. */
  correction?: MultipleTesting;
}

/** Turns an experiment's aggregates into results; costs O(variants × metrics). */
export function buildResults(
  experiment: Experiment,
  aggregates: ExperimentAggregates,
  logSummaries: LogSummaries,
  alpha: number,
  correction: MultipleTesting = {},
): ExperimentResults {
  const method = correction.method ?? "holm";
  const across = correction.across ?? "variants";
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
  const variantUsers = ordered.map((variant) => ({ key: variant.key, users: users(variant.key) }));
  const results: MetricResult[] = metrics.map((metric) => ({
    ...metric,
    variants: metricVariants(metric, metricRows(metric, variantUsers, aggregates), alpha),
  }));
  adjustPValues(results, method, across);
  if (experiment.bandit) withoutFixedSampleClaims(results);
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
    srm: experiment.bandit
      ? null
      : srmTest(
          ordered.map((variant) => users(variant.key)),
          ordered.map((variant) => variant.weight),
        ),
    bandit: experiment.bandit ? banditResults(experiment, aggregates) : null,
    exposuresOverTime: exposuresOverTime(
      ordered.map((variant) => variant.key),
      aggregates.exposuresByDay,
    ),
    metrics: results,
    guardrailViolations: guardrailViolations(results),
    correction: { method, across },
    logMetrics: logMetrics(
      ordered.map((variant) => variant.key),
      logSummaries,
    ),
  };
}

// --- Internal helpers ---

function metricVariants(
  metric: Pick<Metric, "kind" | "guardrail">,
  rows: MetricRow[],
  alpha: number,
): VariantMetricResult[] {
  const [control, ...treatments] = rows;
  if (!control) return [];
  const shown = (row: MetricRow) => {
    const { cuped: _, ratio: __, ...numbers } = row;
    return numbers;
  };
  return [
    { ...shown(control), comparison: null },
    ...treatments.map((row) => {
      const comparison = compare(metric.kind, control, row, alpha);
      if (metric.guardrail) {
        comparison.guardrail = guardrailVerdict(metric.guardrail, comparison, control.value);
      }
      return { ...shown(row), comparison };
    }),
  ];
}

// pValueAdjusted is filled in once every comparison is known (adjustPValues).
function compare(
  kind: MetricKind,
  control: MetricRow,
  treatment: MetricRow,
  alpha: number,
): Comparison {
  const n = control.n + treatment.n;
  if (kind === "binomial") {
    const c = { n: control.n, conversions: control.usersWithEvents };
    const t = { n: treatment.n, conversions: treatment.usersWithEvents };
    const test = proportionTest(c, t, { alpha });
    const chance = c.n > 0 && t.n > 0 ? chanceToBeatControl(c, t) : null;
    // Rates get their own always-valid interval: score intervals, not the test's se.
    return {
      ...comparison(test, n, alpha, chance, control, treatment),
      sequential: proportionSequentialInterval(c, t, { alpha }),
    };
  }
  if (kind === "ratio" && control.ratio && treatment.ratio) {
    const test = ratioTest(control.ratio, treatment.ratio, { alpha });
    return comparison(test, n, alpha, normalChance(test), control, treatment);
  }
  const test = welchTest(control, treatment, { alpha });
  return comparison(test, n, alpha, normalChance(test), control, treatment);
}

function comparison(
  test: TestResult,
  n: number,
  alpha: number,
  chance: number | null,
  control: MetricRow,
  treatment: MetricRow,
): Comparison {
  return {
    absolute: test.absolute,
    relative: test.relative,
    pValue: test.pValue,
    pValueAdjusted: null,
    chanceToBeatControl: chance,
    sequential: sequential(test.absolute.estimate, test.se, n, alpha),
    cuped: control.cuped && treatment.cuped ? cuped(control.cuped, treatment.cuped, alpha) : null,
    guardrail: null,
  };
}

function cuped(
  control: NonNullable<MetricRow["cuped"]>,
  treatment: NonNullable<MetricRow["cuped"]>,
  alpha: number,
): CupedComparison {
  const { absolute, relative, pValue, theta, varianceReduction } = cupedTest(control, treatment, {
    alpha,
  });
  return { absolute, relative, pValue, theta, varianceReduction };
}

function normalChance(test: TestResult): number | null {
  return test.absolute.estimate === null
    ? null
    : chanceToBeatControlNormal(test.absolute.estimate, test.se);
}

// Corrects every treatment's p-value within its family: one metric's treatments, or every
// treatment of every non-guardrail metric (guardrails are read on their own).
function adjustPValues(
  metrics: MetricResult[],
  method: "holm" | "benjamini-hochberg",
  across: "variants" | "metrics-and-variants",
): void {
  const adjust = method === "holm" ? holmAdjust : benjaminiHochbergAdjust;
  const comparisonsOf = (metric: MetricResult) =>
    metric.variants.flatMap((variant) => (variant.comparison ? [variant.comparison] : []));
  const families =
    across === "variants"
      ? metrics.map(comparisonsOf)
      : [
          metrics.filter((metric) => !metric.guardrail).flatMap(comparisonsOf),
          ...metrics.filter((metric) => metric.guardrail).map(comparisonsOf),
        ];
  for (const family of families) {
    const adjusted = adjust(family.map((entry) => entry.pValue));
    family.forEach((entry, index) => {
      entry.pValueAdjusted = adjusted[index] ?? null;
    });
  }
}

// Adaptive shares make sample sizes depend on the outcomes so far: fixed-sample p-values and
// intervals no longer mean what they say (docs/statistics.md#bandits). Estimates and the
// Bayesian chance to beat the control stay.
function withoutFixedSampleClaims(metrics: MetricResult[]): void {
  for (const metric of metrics) {
    for (const variant of metric.variants) {
      const comparison = variant.comparison;
      if (!comparison) continue;
      comparison.absolute = { estimate: comparison.absolute.estimate, ci: null };
      comparison.relative = comparison.relative && {
        estimate: comparison.relative.estimate,
        ci: null,
        pValue: null,
      };
      comparison.pValue = null;
      comparison.pValueAdjusted = null;
      comparison.sequential = null;
      comparison.cuped = null;
      comparison.guardrail = null;
    }
  }
}

function banditResults(experiment: Experiment, aggregates: ExperimentAggregates): BanditResults {
  const posteriors = banditPosteriors(experiment, aggregates);
  const chances = chanceToBeBest(posteriors);
  const live = experiment.banditState?.weights;
  return {
    floor: experiment.bandit?.floor ?? 0,
    intervalMs: experiment.bandit?.intervalMs ?? null,
    arms: experiment.variants.map((variant, index) => ({
      variantKey: variant.key,
      weight: live?.[variant.key] ?? variant.weight,
      chanceToBeBest: chances[index] ?? 0,
      posterior: posteriors[index] as Posterior,
    })),
    history: experiment.banditState?.history ?? [],
  };
}

function guardrailViolations(metrics: MetricResult[]): GuardrailViolation[] {
  return metrics.flatMap((metric) =>
    metric.variants.flatMap((variant) => {
      const verdict = variant.comparison?.guardrail;
      if (verdict?.status !== "harm") return [];
      return [
        {
          metric: metric.name,
          variantKey: variant.variantKey,
          harm: verdict.harm,
          tolerance: verdict.tolerance,
          toleranceScale: verdict.toleranceScale,
          absolute: variant.comparison?.absolute ?? null,
          relative: variant.comparison?.relative ?? null,
        },
      ];
    }),
  );
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
