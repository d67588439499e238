import type { Metric, MetricDirection, MetricKind } from "../../schema/experiment.js";
import { chanceToBeatControl, chanceToBeatControlNormal } from "../../stats/chanceToBeatControl.js";
import { cupedTest } from "../../stats/cuped.js";
import { benjaminiHochbergAdjust, holmAdjust } from "../../stats/multipleTesting.js";
import { proportionTest } from "../../stats/proportionTest.js";
import { ratioTest } from "../../stats/ratioTest.js";
import { proportionSequentialInterval, sequentialInterval } from "../../stats/sequential.js";
import type { TestResult } from "../../stats/types.js";
import { welchTest } from "../../stats/welchTest.js";
import { guardrailVerdict } from "./guardrails.js";
import type { MetricRow } from "./metricRows.js";
import type {
  Comparison,
  CupedComparison,
  MetricResult,
  VariantMetricResult,
} from "./resultTypes.js";

/**
 * Each treatment of one metric against the control: the test the metric's kind calls for,
 * chance to beat the control (in the metric's direction), the always-valid interval, CUPED and the guardrail verdict.
 * `pValueAdjusted` stays null until `adjustPValues` has seen every comparison.
 */
export function metricVariants(
  metric: Pick<Metric, "kind" | "guardrail"> & { direction: MetricDirection },
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
      comparison.chanceToBeatControl = inDirection(
        comparison.chanceToBeatControl,
        metric.direction,
      );
      if (metric.guardrail) {
        comparison.guardrail = guardrailVerdict(metric.guardrail, comparison, control.value);
      }
      return { ...shown(row), comparison };
    }),
  ];
}

// Corrects every treatment's p-value within its family: one metric's treatments, or every
// treatment of every non-guardrail metric (guardrails are read on their own).
export function adjustPValues(
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
export function withoutFixedSampleClaims(metrics: MetricResult[]): void {
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

// --- Internal helpers ---

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
