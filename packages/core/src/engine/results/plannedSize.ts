import { ValidationError } from "../../errors/ValidationError.js";
import type { ExperimentPlan } from "../../schema/experiment.js";
import { planExperiment } from "../../stats/power.js";
import type { MetricResult } from "./resultTypes.js";

/** The users the experiment's plan asks for, with the control's observed numbers. */
export interface PlannedSize {
  /** Exposed users in all variants together. */
  totalUsers: number;
  /** The planned effect, absolute and relative to the control's value. */
  effect: { absolute: number; relative: number | null };
}

/**
 * The size the plan asks for on the primary metric: `planExperiment` with the plan's `mde`,
 * `mdeScale` and `power`, the results' `alpha`, the variants' weights as the split, and the
 * control's observed baseline: its rate (binomial), or its mean and the standard deviation
 * of its per-user values `sqrt((Σy² - (Σy)²/n) / (n - 1))` (count, sum, mean). The `mde` is
 * an increase for a higher-is-better metric and a decrease for a lower-is-better one. A
 * `mean` metric is over active users only, so its plan is divided by the control's share of
 * active users to count exposed users. Null without a plan, for a ratio metric, or when the
 * control cannot give a baseline yet (no users, a rate of 0 or 1, no spread).
 *
 * @example
 * plannedSize({ mde: 0.2, mdeScale: "relative", power: 0.8 }, thumbsUp, [50, 50], 0.05);
 * // { totalUsers: 7682, effect: { absolute: 0.02, relative: 0.2 } } at a control rate of 10%
 */
export function plannedSize(
  plan: ExperimentPlan | null,
  metric: Pick<MetricResult, "kind" | "direction" | "variants">,
  weights: number[],
  alpha: number,
): PlannedSize | null {
  const control = metric.variants[0];
  if (!plan || !control || control.value === null || metric.kind === "ratio") return null;
  const design = {
    alpha,
    power: plan.power,
    split: weights,
    mde: metric.direction === "lower" ? -plan.mde : plan.mde,
    mdeType: plan.mdeScale,
  };
  let input: Parameters<typeof planExperiment>[0];
  if (metric.kind === "binomial") {
    input = { ...design, metric: "binomial", baseline: control.value };
  } else {
    const sd = standardDeviation(control.n, control.sum, control.sumSquares);
    if (sd === null) return null;
    input = { ...design, metric: "mean", baseline: control.value, sd };
  }
  const sized = attempt(() => planExperiment(input));
  if (!sized) return null;
  // A mean counts active users; the experiment counts exposed ones.
  const active = metric.kind === "mean" ? control.n / control.users : 1;
  if (!(active > 0)) return null;
  return {
    totalUsers: Math.ceil(sized.totalUsers / Math.min(1, active)),
    effect: sized.effect,
  };
}

// --- Internal helpers ---

function standardDeviation(n: number, sum: number, sumSquares: number): number | null {
  if (n < 2) return null;
  const variance = (sumSquares - (sum * sum) / n) / (n - 1);
  return variance > 0 && Number.isFinite(variance) ? Math.sqrt(variance) : null;
}

// The plan's own checks (a rate pushed past 1, a zero weight) mean: no planned size yet.
function attempt<T>(run: () => T): T | null {
  try {
    return run();
  } catch (error) {
    if (error instanceof ValidationError) return null;
    throw error;
  }
}
