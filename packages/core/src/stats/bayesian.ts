import { chanceToBeatControl } from "./chanceToBeatControl.js";
import { normalCdf, normalQuantile } from "./normal.js";
import {
  GRID_POINTS,
  GRID_REACH,
  gridCdf,
  gridPartial,
  mixtureCdf,
  type Nodes,
  type PosteriorGrid,
  quantile,
  tabulate,
} from "./posteriorGrid.js";
import type { Interval, ProportionSide } from "./types.js";
import { checkAlpha, checkFinite, checkProportionSide } from "./validate.js";

/** The posterior summaries of treatment minus control, read in the metric's direction. */
export interface BayesianResult {
  /** The prior and how the numbers were computed, in words. */
  prior: string;
  /** Posterior mean of `treatment - control`, with its equal-tailed `1 - alpha` interval. */
  absolute: { estimate: number; ci: Interval };
  /**
   * Posterior median of `(treatment - control) / |control|` with its equal-tailed interval;
   * null when the control's credible interval reaches 0 (the ratio has no useful posterior).
   */
  relative: { estimate: number; ci: Interval } | null;
  /** P(treatment is better than control in `direction`). */
  chanceToBeatControl: number;
  /**
   * `ship`: E[how much worse the treatment is, or 0]; `keepControl`: E[how much worse the
   * control is, or 0], in the metric's units and direction. `ship - keepControl` is minus
   * the posterior mean difference in the better direction.
   */
  expectedLoss: { ship: number; keepControl: number };
}

/** Options of the Bayesian comparisons. */
export interface BayesianOptions {
  /** The credible intervals' level is `1 - alpha`; 0.05 by default. */
  alpha?: number;
  /** Which way is better: `higher` (default) or `lower`. */
  direction?: "higher" | "lower";
}

/** One arm's posterior for a mean or ratio: normal with this mean and standard deviation. */
export interface NormalPosterior {
  mean: number;
  se: number;
}

/**
 * Conversion rates with a Beta(1, 1) prior per arm: each rate's posterior is
 * `Beta(1 + conversions, 1 + n - conversions)`, the two independent. The chance to beat the
 * control is exact (`chanceToBeatControl`); the intervals and expected losses integrate the
 * control's posterior numerically against the treatment's CDF (both tabulated on a grid of
 * 0.1 sd cells over their mean ∓ 20 sd; Simpson's rule over the control, cubic
 * interpolation of the treatment's CDF), e.g. `P(T - C <= d) = ∫ f_C(c) F_T(c + d) dc`,
 * to about 1e-6 in probability. Null when an arm has no users.
 *
 * @throws ValidationError when a count is negative or fractional, `conversions > n`, or
 *   `alpha` is outside (0, 1)
 *
 * @example
 * bayesianBinomial({ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 });
 * // { absolute: { estimate: 0.01996, ci: [-0.00747, 0.04747] }, chanceToBeatControl: 0.9232, ... }
 */
export function bayesianBinomial(
  control: ProportionSide,
  treatment: ProportionSide,
  options: BayesianOptions = {},
): BayesianResult | null {
  const alpha = checkAlpha(options.alpha, WHAT);
  checkProportionSide(control, "control", WHAT);
  checkProportionSide(treatment, "treatment", WHAT);
  if (control.n === 0 || treatment.n === 0) return null;
  const c = betaGrid(control);
  const t = betaGrid(treatment);
  const m =
    (1 + treatment.conversions) / (2 + treatment.n) - (1 + control.conversions) / (2 + control.n);
  const higher = chanceToBeatControl(control, treatment);
  return summarize(c, t, m, higher, alpha, options.direction, BETA_PRIOR);
}

/**
 * Means (or ratios) with a flat prior per arm: each arm's posterior is normal around its
 * mean with its standard error, so the difference is normal with `m = m_t - m_c` and
 * `s = sqrt(se_t² + se_c²)`: interval `m ∓ z s`, chance to beat `Φ(m / s)` (higher is
 * better), expected losses `E[max(-D, 0)] = s φ(m/s) - m Φ(-m/s)` and
 * `E[max(D, 0)] = s φ(m/s) + m Φ(m/s)`. The relative difference `(T - C) / |C|`: with the
 * control more than 8 se from 0, `P(R <= r) = Φ((k m_c - m_t) / sqrt(se_t² + k² se_c²))`,
 * `k = 1 + sign(m_c) r` (exact but for a chance below 1e-15 that C changes sign); nearer 0,
 * integrated numerically over the control's posterior. Null when a standard error is not a
 * finite number at or above 0.
 *
 * @param prior - how the arms' normal posteriors were obtained, stated in the result
 * @throws ValidationError when a mean is not finite or `alpha` is outside (0, 1)
 *
 * @example
 * bayesianNormal({ mean: 10, se: 0.3 }, { mean: 11, se: 0.3 });
 * // { absolute: { estimate: 1, ci: [0.1685, 1.8315] }, chanceToBeatControl: 0.9907, ... }
 */
export function bayesianNormal(
  control: NormalPosterior,
  treatment: NormalPosterior,
  options: BayesianOptions = {},
  prior = "flat per arm: normal posterior of each arm's mean with its standard error",
): BayesianResult | null {
  const alpha = checkAlpha(options.alpha, WHAT);
  checkFinite(control?.mean, ["control", "mean"], WHAT);
  checkFinite(treatment?.mean, ["treatment", "mean"], WHAT);
  if (!validSe(control.se) || !validSe(treatment.se)) return null;
  const m = treatment.mean - control.mean;
  const s = Math.hypot(treatment.se, control.se);
  const z = normalQuantile(1 - alpha / 2);
  const pdf = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const higher = s > 0 ? normalCdf(m / s) : m > 0 ? 1 : m < 0 ? 0 : 0.5;
  const treatmentWorse = s > 0 ? s * pdf(m / s) - m * normalCdf(-m / s) : Math.max(-m, 0);
  const controlWorse = treatmentWorse + m; // E[max(D, 0)] - E[max(-D, 0)] = E[D]
  const lower = options.direction === "lower";
  const relative = relativeNormal(control, treatment, alpha, z);
  return {
    prior: `${prior}; relative: Fieller's closed form, or numerical integration near 0`,
    absolute: { estimate: m, ci: [m - z * s, m + z * s] },
    relative,
    chanceToBeatControl: lower ? 1 - higher : higher,
    expectedLoss: lower
      ? { ship: controlWorse, keepControl: treatmentWorse }
      : { ship: treatmentWorse, keepControl: controlWorse },
  };
}

// --- Internal helpers ---

const WHAT = "bayesian input";
// How many standard errors from 0 a control's mean must be for the closed-form relative CDF.
const CLEAR_OF_ZERO = 8;
const BETA_PRIOR =
  "Beta(1, 1) per arm; intervals and expected loss by numerical integration of the Beta posteriors";

function validSe(se: number): boolean {
  return typeof se === "number" && se >= 0 && Number.isFinite(se);
}

function betaGrid({ n, conversions }: ProportionSide): PosteriorGrid {
  const a = 1 + conversions;
  const b = 1 + n - conversions;
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const lo = Math.max(0, mean - GRID_REACH * sd);
  const hi = Math.min(1, mean + GRID_REACH * sd);
  // Unnormalized, relative to the density at the mean (tabulate scales the mass to 1);
  // a shape of 1 contributes no factor, so the edge x = 0 or 1 stays finite.
  const power = (shape: number, ratio: number) => (shape === 1 ? 0 : (shape - 1) * Math.log(ratio));
  const density = (x: number) => Math.exp(power(a, x / mean) + power(b, (1 - x) / (1 - mean)));
  return tabulate(density, lo, hi);
}

function normalGrid({ mean, se }: NormalPosterior, size: number): PosteriorGrid {
  const density = (x: number) => Math.exp(-(((x - mean) / se) ** 2) / 2);
  return tabulate(density, mean - GRID_REACH * se, mean + GRID_REACH * se, size);
}

// E[max(X - Y, 0)] and E[max(Y - X, 0)] over X's nodes, with
// E[max(x - Y, 0)] = x F_Y(x) - E[Y; Y <= x] and E[max(Y - x, 0)] = E[Y; Y > x] - x (1 - F_Y(x)).
function gaps(x: PosteriorGrid, y: PosteriorGrid): { xAbove: number; yAbove: number } {
  const { weight, at } = x.nodes;
  let xAbove = 0;
  let yAbove = 0;
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i] as number;
    const value = at[i] as number;
    const below = gridCdf(y, value);
    const partial = gridPartial(y, value);
    xAbove += w * (value * below - partial);
    yAbove += w * (y.mean - partial - value * (1 - below));
  }
  return { xAbove, yAbove };
}

// The intervals of T - C and (T - C) / C (both positive) and the expected losses. Each
// integral runs over the narrower posterior's nodes against the wider one's CDF, which is
// then smooth on the nodes' scale (a control without conversions is much narrower than a
// treatment with some, and the ratio's tail lives where C is near 0).
function summarize(
  c: PosteriorGrid,
  t: PosteriorGrid,
  m: number,
  higher: number,
  alpha: number,
  direction: BayesianOptions["direction"],
  prior: string,
): BayesianResult {
  const sdC = spreadOf(c.nodes, c.mean);
  const sdT = spreadOf(t.nodes, t.mean);
  const spread = Math.hypot(sdC, sdT);
  const treatmentCdf = (x: number) => gridCdf(t, x);
  // P(T - C <= d) = Σ_C F_T(c + d) = 1 - Σ_T F_C(t - d).
  const absoluteCdf = (d: number) =>
    sdC <= sdT
      ? mixtureCdf(c.nodes, treatmentCdf, d, 0)
      : 1 - mixtureCdf(t.nodes, (x) => gridCdf(c, x), -d, 0);
  // P((T - C) / C <= r) = P(T <= k C), k = 1 + r: Σ_C F_T(k c) = 1 - Σ_T F_C(t / k).
  const relativeCdf = (r: number) => {
    const k = 1 + r;
    if (!(k > 0)) return 0;
    return sdC * k <= sdT
      ? mixtureCdf(c.nodes, treatmentCdf, 0, r)
      : 1 - mixtureCdf(t.nodes, (x) => gridCdf(c, x / k), 0, 0);
  };
  const relativeScale = spread / c.mean;
  const start = m / c.mean;
  const { treatmentWorse, controlWorse } =
    sdC <= sdT
      ? (({ xAbove, yAbove }) => ({ treatmentWorse: xAbove, controlWorse: yAbove }))(gaps(c, t))
      : (({ xAbove, yAbove }) => ({ treatmentWorse: yAbove, controlWorse: xAbove }))(gaps(t, c));
  const lower = direction === "lower";
  return {
    prior,
    absolute: {
      estimate: m,
      ci: [
        quantile(absoluteCdf, alpha / 2, m, spread),
        quantile(absoluteCdf, 1 - alpha / 2, m, spread),
      ],
    },
    relative: {
      estimate: quantile(relativeCdf, 0.5, start, relativeScale),
      ci: [
        quantile(relativeCdf, alpha / 2, start, relativeScale),
        quantile(relativeCdf, 1 - alpha / 2, start, relativeScale),
      ],
    },
    chanceToBeatControl: lower ? 1 - higher : higher,
    expectedLoss: lower
      ? { ship: controlWorse, keepControl: treatmentWorse }
      : { ship: treatmentWorse, keepControl: controlWorse },
  };
}

// The relative difference of two normal posteriors; null when the control's credible
// interval reaches 0 (or the control is 0).
function relativeNormal(
  control: NormalPosterior,
  treatment: NormalPosterior,
  alpha: number,
  z: number,
): BayesianResult["relative"] {
  if (!(Math.abs(control.mean) > z * control.se)) return null;
  const size = Math.abs(control.mean);
  const start = (treatment.mean - control.mean) / size;
  const scale = Math.hypot(treatment.se, control.se) / size;
  const relativeCdf =
    size > CLEAR_OF_ZERO * control.se
      ? fiellerCdf(control, treatment)
      : integratedCdf(control, treatment, start, scale);
  if (!(scale > 0)) return { estimate: start, ci: [start, start] };
  return {
    estimate: quantile(relativeCdf, 0.5, start, scale),
    ci: [
      quantile(relativeCdf, alpha / 2, start, scale),
      quantile(relativeCdf, 1 - alpha / 2, start, scale),
    ],
  };
}

// With the control's posterior clear of 0 (beyond 8 sd: P(sign(C) flips) < 1e-15), (T - C) / |C|
// <= r is T - k C <= 0 with k = 1 + sign(C) r, a normal event: the CDF is
// Φ((k m_C - m_T) / sqrt(se_T² + k² se_C²)) (Fieller's construction), exactly.
function fiellerCdf(control: NormalPosterior, treatment: NormalPosterior): (r: number) => number {
  const sign = Math.sign(control.mean);
  return (r) => {
    const k = 1 + sign * r;
    const spread = Math.hypot(treatment.se, k * control.se);
    const gap = k * control.mean - treatment.mean;
    return spread > 0 ? normalCdf(gap / spread) : gap >= 0 ? 1 : 0;
  };
}

// Nearer 0, Σ over the control's nodes of F_T(c + r |c|).
function integratedCdf(
  control: NormalPosterior,
  treatment: NormalPosterior,
  start: number,
  scale: number,
): (r: number) => number {
  const treatmentCdf =
    treatment.se > 0
      ? (x: number) => normalCdf((x - treatment.mean) / treatment.se)
      : (x: number) => (x >= treatment.mean ? 1 : 0);
  // F_T(c (1 + r)) varies on the scale se_T / (1 + r): the control's grid is made fine enough
  // (up to 10x) to hold about 10 nodes per such scale.
  const finer = (control.se * (1 + Math.abs(start) + 10 * scale)) / treatment.se;
  const points = 2 * Math.round((GRID_POINTS * Math.min(Math.max(finer, 1), 10)) / 2) + 1;
  const nodes = normalGrid(control, points).nodes;
  return (r) => mixtureCdf(nodes, treatmentCdf, 0, r);
}

function spreadOf({ weight: mass, at }: Nodes, mean: number): number {
  let sum = 0;
  for (let i = 0; i < mass.length; i++)
    sum += (mass[i] as number) * ((at[i] as number) - mean) ** 2;
  return Math.sqrt(sum);
}
