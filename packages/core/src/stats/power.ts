/**
 * Power and sample size for a fixed-horizon experiment: how many users each arm needs to
 * detect an effect, and the smallest effect a given number of users can detect.
 */
import { parseInput } from "../schema/parse.js";
import { normalQuantile } from "./normal.js";
import {
  armCount,
  type DetectableEffectInput,
  detectableInputSchema,
  type PlanInput,
  planInputSchema,
} from "./powerInput.js";

/** What `planExperiment` answers. */
export interface ExperimentPlan {
  /** Users each arm needs, control first, in the proportions of the split. */
  usersPerVariant: number[];
  /** The sum of `usersPerVariant`. */
  totalUsers: number;
  /** Days to reach `totalUsers` at `dailyUsers` a day; only when `dailyUsers` is given. */
  days?: number;
  /** The planned effect, absolute (treatment minus control) and relative to |baseline|. */
  effect: { absolute: number; relative: number | null };
  /** Treatments compared with the control (`variants - 1`). */
  comparisons: number;
  /** The two-sided level of each comparison: `alpha / comparisons` (Bonferroni). */
  alphaPerComparison: number;
}

/** What `detectableEffect` answers: the smallest increase detected with the given power. */
export interface DetectableEffect {
  /** Null when no increase of a conversion rate (up to a rate of 1) is detectable. */
  absolute: number | null;
  /** Relative to |baseline|; null when `absolute` is, or the baseline is 0. */
  relative: number | null;
  comparisons: number;
  alphaPerComparison: number;
}

/**
 * Users needed to detect an effect with a two-sided test against the control.
 *
 * With `z_a = Φ⁻¹(1 - α' / 2)`, `z_b = Φ⁻¹(power)`, `δ` the absolute effect and `w_c`, `w_t`
 * the control's and a treatment's traffic shares, the difference of the two arms' means is
 * about normal with standard error `s / sqrt(N)` at `N` users in all, and the test detects
 * `δ` with the given power when `|δ| = z_a · s0 / sqrt(N) + z_b · s1 / sqrt(N)`, so
 *
 *     N = ((z_a · s0 + z_b · s1) / δ)²,   users of arm i = ceil(N · w_i)
 *
 * - mean: `s0 = s1 = sd · sqrt((1 - r) (1/w_c + 1/w_t))` (Welch's test, normal approximation);
 * - binomial: `s1 = sqrt((1 - r) (p_c q_c / w_c + p_t q_t / w_t))`, the variances at the
 *   baseline and at baseline + effect, and `s0 = sqrt((1 - r) p̄ q̄ (1/w_c + 1/w_t))` with
 *   `p̄` the pooled rate, since `proportionTest` uses the pooled standard error under no
 *   difference. At an equal split this is R's `power.prop.test` (Fleiss without continuity
 *   correction): baseline 10%, +2 points, α 0.05, power 0.8 give 3,841 per arm.
 *
 * `r` is `varianceReduction`, CUPED's expected share of variance removed (about ρ² of the
 * metric and its pre-exposure covariate). With more than two variants each treatment is
 * compared with the control at `α' = α / (variants - 1)` (Bonferroni); Holm's first step uses
 * the same threshold and its later ones are looser, so the plan holds under Holm too. The
 * smallest treatment arm sets `N`.
 *
 * @throws ValidationError (`validation_failed`) naming each bad field
 *
 * @example
 * planExperiment({ metric: "binomial", baseline: 0.1, mde: 0.02, mdeType: "absolute" });
 * // { usersPerVariant: [3841, 3841], totalUsers: 7682, effect: { absolute: 0.02,
 * //   relative: 0.2 }, comparisons: 1, alphaPerComparison: 0.05 }
 */
export function planExperiment(input: PlanInput): ExperimentPlan {
  const plan = parseInput(planInputSchema, input, "experiment plan");
  const design = designOf(plan);
  const delta = plan.mdeType === "absolute" ? plan.mde : plan.mde * Math.abs(plan.baseline);
  const relative = relativeTo(delta, plan.baseline);
  const control = design.weights[0] ?? 0;
  const treatment = Math.min(...design.weights.slice(1));
  const spread = design.spread(control, treatment, delta);
  const total = (spread / delta) ** 2;
  const usersPerVariant = design.weights.map((weight) => Math.max(2, Math.ceil(total * weight)));
  const totalUsers = usersPerVariant.reduce((sum, users) => sum + users, 0);
  return {
    usersPerVariant,
    totalUsers,
    ...(plan.dailyUsers === undefined ? {} : { days: Math.ceil(totalUsers / plan.dailyUsers) }),
    effect: {
      absolute: plan.mdeType === "absolute" ? plan.mde : tidy(delta),
      relative: plan.mdeType === "relative" ? plan.mde : relative === null ? null : tidy(relative),
    },
    comparisons: design.comparisons,
    alphaPerComparison: design.alphaPerComparison,
  };
}

/**
 * The smallest increase `planExperiment`'s test detects with the given power at the given
 * users (per arm, or in total split by `split`): the inverse of `planExperiment`, from the
 * same formula solved for `δ` (in closed form for a mean, by bisection for a rate, whose
 * variance moves with the effect).
 *
 * @throws ValidationError (`validation_failed`) naming each bad field
 *
 * @example
 * detectableEffect({ metric: "binomial", baseline: 0.1, usersPerVariant: [3841, 3841] });
 * // { absolute: 0.0200, relative: 0.200, comparisons: 1, alphaPerComparison: 0.05 }
 */
export function detectableEffect(input: DetectableEffectInput): DetectableEffect {
  const parsed = parseInput(detectableInputSchema, input, "detectable effect input");
  const design = designOf(parsed);
  const users =
    parsed.usersPerVariant ?? design.weights.map((weight) => weight * (parsed.totalUsers ?? 0));
  const control = users[0] ?? 0;
  const treatment = Math.min(...users.slice(1));
  const gap = (delta: number) => delta - design.spread(control, treatment, delta);
  let absolute: number | null;
  if (parsed.metric === "mean") {
    absolute = design.spread(control, treatment, 0);
  } else {
    absolute = bisect(gap, 0, 1 - parsed.baseline);
  }
  return {
    absolute,
    relative: absolute === null ? null : relativeTo(absolute, parsed.baseline),
    comparisons: design.comparisons,
    alphaPerComparison: design.alphaPerComparison,
  };
}

// --- Internal helpers ---

interface Design {
  /** Traffic shares, control first, summing to 1. */
  weights: number[];
  comparisons: number;
  alphaPerComparison: number;
  /**
   * `z_a · s0 + z_b · s1` for a control and a treatment of sizes (or shares) `nc`, `nt` and
   * an absolute effect `delta`: the effect detected with the given power is this much.
   */
  spread(nc: number, nt: number, delta: number): number;
}

function designOf(input: {
  metric: "binomial" | "mean";
  baseline: number;
  sd?: number | undefined;
  alpha: number;
  power: number;
  variants?: number | undefined;
  split?: number[] | undefined;
  varianceReduction: number;
}): Design {
  const arms = armCount(input);
  const raw = input.split ?? Array.from({ length: arms }, () => 1);
  const sum = raw.reduce((total, weight) => total + weight, 0);
  const weights = raw.map((weight) => weight / sum);
  const comparisons = arms - 1;
  const alphaPerComparison = input.alpha / comparisons;
  const zA = normalQuantile(1 - alphaPerComparison / 2);
  const zB = normalQuantile(input.power);
  const kept = 1 - input.varianceReduction;
  const p = input.baseline;
  const sd = input.sd ?? 0;
  const spread = (nc: number, nt: number, delta: number): number => {
    const inverse = 1 / nc + 1 / nt;
    if (input.metric === "mean") return (zA + zB) * sd * Math.sqrt(kept * inverse);
    const pt = p + delta;
    const pooled = (nc * p + nt * pt) / (nc + nt);
    const s0 = Math.sqrt(kept * pooled * (1 - pooled) * inverse);
    const s1 = Math.sqrt(kept * ((p * (1 - p)) / nc + (pt * (1 - pt)) / nt));
    return zA * s0 + zB * s1;
  };
  return { weights, comparisons, alphaPerComparison, spread };
}

// A derived figure to 12 significant digits: 0.02 / 0.1 reads 0.2, not 0.19999999999999998.
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

function relativeTo(delta: number, baseline: number): number | null {
  return baseline === 0 ? null : delta / Math.abs(baseline);
}

// The root of an increasing-then-positive `gap` in (low, high], or null when `gap(high) < 0`.
function bisect(gap: (x: number) => number, low: number, high: number): number | null {
  if (gap(high) < 0) return null;
  let lo = low;
  let hi = high;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (gap(mid) < 0) lo = mid;
    else hi = mid;
  }
  return hi;
}
