import type { Metric, MetricDirection, MetricKind } from "../../schema/experiment.js";
import { chanceToBeatControl, chanceToBeatControlNormal } from "../../stats/chanceToBeatControl.js";
import { cupedTest } from "../../stats/cuped.js";
import { benjaminiHochbergAdjust, holmAdjust } from "../../stats/multipleTesting.js";
import { proportionTest } from "../../stats/proportionTest.js";
import { ratioTest } from "../../stats/ratioTest.js";
import { proportionSequentialInterval, sequentialInterval } from "../../stats/sequential.js";
import type { ProportionSide, TestResult } from "../../stats/types.js";
import { welchTest } from "../../stats/welchTest.js";
import { armEstimates } from "./armEstimates.js";
import { bayesian } from "./bayesianView.js";
import { guardrailVerdict } from "./guardrails.js";
import type { MetricRow } from "./metricRows.js";
import type {
  Adjustment,
  Comparison,
  CupedComparison,
  MetricResult,
  MultipleTesting,
  VariantMetricResult,
} from "./resultTypes.js";

/**
 * Each treatment of one metric against the control: the test the metric's kind calls for,
 * chance to beat the control (in the metric's direction), the always-valid interval, CUPED,
 * the Bayesian view and the guardrail verdict.
 * `pValueAdjusted` stays null until `adjustPValues` has seen every comparison. The Bayesian
 * view integrates numerically (milliseconds per binomial comparison): series and breakdowns,
 * which compare many times per read, leave it out with `{ bayesian: false }`.
 */
export function metricVariants(
  metric: Pick<Metric, "kind" | "guardrail"> & { direction: MetricDirection },
  rows: MetricRow[],
  alpha: number,
  options: { bayesian?: boolean } = {},
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
      comparison.chanceToBeatControl = inDirection(
        comparison.chanceToBeatControl,
        metric.direction,
      );
      if (options.bayesian !== false) comparison.bayesian = bayesian(metric, control, row, alpha);
      if (metric.guardrail) {
        const proportions =
          metric.kind === "binomial"
            ? { control: proportionSide(control), treatment: proportionSide(row) }
            : null;
        comparison.guardrail = guardrailVerdict(
          metric.guardrail,
          { ...armEstimates(metric.kind, control, row), users: control.n + row.n, proportions },
          alpha,
        );
      }
      return { ...shown(row), comparison };
    }),
  ];
}

/**
 * Corrects every treatment's p-value within its family and states the family beside it
 * (`comparison.adjustment`):
 * - `metrics` (the default): the primary metric's treatments are one family; every treatment
 *   of every secondary metric (neither primary nor guardrail) together another; guardrails
 *   are not corrected (each is read on its own always-valid interval, see `guardrailVerdict`);
 * - `variants`: each metric's treatments;
 * - `metrics-and-variants`: every treatment of every metric but guardrails, each guardrail
 *   then its own family.
 * A comparison without a p-value is left out of its family and gets no adjustment.
 */
export function adjustPValues(
  metrics: MetricResult[],
  method: Adjustment["method"],
  across: NonNullable<MultipleTesting["across"]>,
): void {
  const adjust = method === "holm" ? holmAdjust : benjaminiHochbergAdjust;
  for (const { members, label } of families(metrics, across)) {
    const family = members.filter((entry) => entry.pValue !== null);
    const adjusted = adjust(family.map((entry) => entry.pValue));
    family.forEach((entry, index) => {
      entry.pValueAdjusted = adjusted[index] ?? null;
      entry.adjustment = { method, across: label, tests: family.length };
    });
  }
}

// Adaptive shares make sample sizes depend on the outcomes so far: fixed-sample p-values and
// intervals no longer mean what they say (docs/statistics.md#bandits). Estimates, the
// chance to beat the control and the Bayesian view (posteriors do not depend on how traffic
// was allocated) stay.
export function withoutFixedSampleClaims(metrics: MetricResult[]): void {
  for (const metric of metrics) {
    for (const variant of metric.variants) {
      if (!variant.comparison) continue;
      estimatesOnly(variant.comparison);
      variant.comparison.cuped = null;
    }
  }
}

/**
 * Strips a comparison to its estimates: intervals, p-values and their adjustment, the
 * always-valid interval and the guardrail reading go (the callers name what else goes).
 */
export function estimatesOnly(comparison: Comparison): void {
  comparison.absolute = { estimate: comparison.absolute.estimate, ci: null };
  comparison.relative = comparison.relative && {
    estimate: comparison.relative.estimate,
    ci: null,
    pValue: null,
  };
  comparison.pValue = null;
  comparison.pValueAdjusted = null;
  comparison.adjustment = null;
  comparison.sequential = null;
  comparison.guardrail = null;
}

// --- Internal helpers ---

// The families `adjustPValues` corrects within, each with the `across` it reports.
function families(
  metrics: MetricResult[],
  across: NonNullable<MultipleTesting["across"]>,
): { members: Comparison[]; label: Adjustment["across"] }[] {
  const comparisonsOf = (metric: MetricResult) =>
    metric.variants.flatMap((variant) => (variant.comparison ? [variant.comparison] : []));
  const guardrails = metrics.filter((metric) => metric.guardrail);
  const others = metrics.filter((metric) => !metric.guardrail);
  const each = (list: MetricResult[]) =>
    list.map((metric) => ({ members: comparisonsOf(metric), label: "variants" as const }));
  if (across === "variants") return each(metrics);
  if (across === "metrics-and-variants") {
    return [{ members: others.flatMap(comparisonsOf), label: across }, ...each(guardrails)];
  }
  return [
    ...each(others.filter((metric) => metric.primary)),
    { members: others.filter((metric) => !metric.primary).flatMap(comparisonsOf), label: across },
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
    const c = proportionSide(control);
    const t = proportionSide(treatment);
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
    adjustment: null,
    bayesian: null,
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

// The tests give P(treatment > control); lower-is-better asks for the other side.
function inDirection(chance: number | null, direction: MetricDirection): number | null {
  return chance !== null && direction === "lower" ? 1 - chance : chance;
}

function normalChance(test: TestResult): number | null {
  return test.absolute.estimate === null
    ? null
    : chanceToBeatControlNormal(test.absolute.estimate, test.se);
}

function sequential(estimate: number | null, se: number | null, n: number, alpha: number) {
  if (estimate === null || se === null) return null;
  return sequentialInterval(estimate, se, n, { alpha });
}

function proportionSide(row: MetricRow): ProportionSide {
  return { n: row.n, conversions: row.usersWithEvents };
}
