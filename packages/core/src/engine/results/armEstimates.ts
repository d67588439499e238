import type { MetricKind } from "../../schema/experiment.js";
import { sampleMean, sampleVariance } from "../../stats/moments.js";
import { ratioTest } from "../../stats/ratioTest.js";
import type { ArmEstimate } from "./guardrails.js";
import type { MetricRow } from "./metricRows.js";

/**
 * Each arm's value and standard error, as the guardrail and the Bayesian view read them:
 * - `binomial`: the rate `x / n`, with `se = sqrt(p̃ (1 - p̃) / n)` at `p̃ = (x + 1) / (n + 2)`
 *   (the Beta(1, 1) posterior mean), so an arm without conversions yet still has a spread;
 * - `ratio`: the ratio and its delta-method standard error (see `ratioTest`);
 * - `mean`, `count`, `sum`: the mean per user and `s / sqrt(n)`.
 * An arm is null when it has no users, or (except binomial) fewer than 2.
 */
export function armEstimates(
  kind: MetricKind,
  control: MetricRow,
  treatment: MetricRow,
): { control: ArmEstimate | null; treatment: ArmEstimate | null } {
  if (kind === "ratio") {
    if (!control.ratio || !treatment.ratio) return { control: null, treatment: null };
    const test = ratioTest(control.ratio, treatment.ratio);
    const arm = ({ ratio, se }: { ratio: number | null; se: number | null }) =>
      ratio === null || se === null ? null : { value: ratio, se };
    return { control: arm(test.control), treatment: arm(test.treatment) };
  }
  const estimate = kind === "binomial" ? rateEstimate : meanEstimate;
  return { control: estimate(control), treatment: estimate(treatment) };
}

// --- Internal helpers ---

function rateEstimate(row: MetricRow): ArmEstimate | null {
  if (row.n === 0) return null;
  const smoothed = (row.usersWithEvents + 1) / (row.n + 2);
  return { value: row.usersWithEvents / row.n, se: Math.sqrt((smoothed * (1 - smoothed)) / row.n) };
}

function meanEstimate(row: MetricRow): ArmEstimate | null {
  const mean = sampleMean(row);
  const variance = sampleVariance(row);
  return mean === null || variance === null
    ? null
    : { value: mean, se: Math.sqrt(variance / row.n) };
}
