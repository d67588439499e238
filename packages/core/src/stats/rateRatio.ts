/**
 * The relative effect of a rate, `p_t / p_c - 1`, with the skewness-corrected asymptotic
 * score (SCAS) interval for the ratio of two binomial proportions (Laud 2017, built on
 * Miettinen and Nurminen 1985 and Gart and Nam 1988) and the p-value of the same score.
 */
import { normalCdf } from "./normal.js";
import type { Interval, ProportionSide, RelativeEffect } from "./types.js";

/**
 * `r = p_t / p_c - 1` with a `1 - alpha` interval and a two-sided p-value that agree (the
 * interval excludes 0 exactly when `pValue < alpha`). The interval is the set of ratios `θ`
 * that the score test of `p_t = θ p_c` does not reject:
 *
 * - score `S(θ) = p̂_t - θ p̂_c`, read at the rates `p̃_c`, `p̃_t = θ p̃_c` that maximise
 *   the likelihood under that ratio (a quadratic), with variance
 *   `V = N / (N - 1) · (p̃_t (1 - p̃_t) / n_t + θ² p̃_c (1 - p̃_c) / n_c)` and third moment
 *   `μ₃ = p̃_t (1 - p̃_t)(1 - 2 p̃_t) / n_t² - θ³ p̃_c (1 - p̃_c)(1 - 2 p̃_c) / n_c²`;
 * - `z(θ)` solves `z = S / √V - (z² - 1) μ₃ / (6 V^{3/2})`: the correction for the score's
 *   skew, which makes each tail miss about `alpha / 2` (rather than the two tails together
 *   missing `alpha` unevenly, as the uncorrected score does with a small or rare arm);
 * - `ci = [θ_L - 1, θ_U - 1]` with `z(θ_L) = z_{1-alpha/2}`, `z(θ_U) = -z_{1-alpha/2}`;
 *   `pValue = 2 · P(Z > |z(1)|)`.
 *
 * Zero cells need no correction: a treatment with no conversions gives `θ_L = 0` (-100%).
 * Null when the control has no users or no conversions (no ratio to read); `pValue` null when
 * every user of both arms converted (the score has no variance at `θ = 1`; the interval is
 * then the uncorrected score's, whose skew term is undefined there).
 *
 * @param control - the control arm (variant 0): `{ n, conversions }`, already validated
 * @param treatment - the treatment arm, same shape
 * @param critical - `z_{1-alpha/2}` (1.96 for 95%). The interval and `pValue` agree for every
 *   alpha up to 0.33 (checked on every pair of arms of up to 30 users); beyond, a nearly
 *   saturated arm of one or two users can make them disagree, as the skew term then bends
 *   `z(θ)` below `|z| = 1`.
 *
 * @example
 * relativeRate({ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }, 1.959963984540054);
 * // { estimate: 0.3, ci: [0.0179, 0.6647], pValue: 0.0355 }
 */
export function relativeRate(
  control: ProportionSide,
  treatment: ProportionSide,
  critical: number,
): RelativeEffect | null {
  if (!(control.n > 0 && treatment.n > 0 && control.conversions > 0)) return null;
  const { n: nC, conversions: xC } = control;
  const { n: nT, conversions: xT } = treatment;
  // Everyone converting on both sides leaves the skew term 0/0 at θ = 1 (and of changing
  // sign around it); the uncorrected score is well defined there.
  const saturated = xT === nT && xC === nC;
  const z = (theta: number) => scoreZ(control, treatment, theta, !saturated);
  const atOne = saturated ? null : z(1);
  return {
    // (x_t n_c - x_c n_t) / (n_t x_c): exact while the products are below 2^53.
    estimate: (xT * nC - xC * nT) / (nT * xC),
    ci: interval(z, xT > 0 ? Math.log((xT * nC) / (nT * xC)) : null, critical),
    pValue: atOne === null ? null : Math.min(1, 2 * normalCdf(-Math.abs(atOne))),
  };
}

// --- Internal helpers ---

// ln θ beyond which nothing is searched (e^±700 stays finite).
const LOG_LIMIT = 700;

// z(θ) for H0: p_t = θ p_c; decreasing in θ where |z| > 1.
function scoreZ(
  control: ProportionSide,
  treatment: ProportionSide,
  theta: number,
  skew: boolean,
): number {
  const { n: nT, conversions: xT } = treatment;
  const { n: nC, conversions: xC } = control;
  const total = nT + nC;
  const score = xT / nT - (theta * xC) / nC;
  if (score === 0) return 0;
  // Restricted MLE of p_c: the smaller root of N θ p² - (n_t θ + x_t + n_c + x_c θ) p + x = 0,
  // written as 2x / (-B + √disc) so that no subtraction cancels.
  const b = nT * theta + xT + nC + xC * theta;
  const disc = Math.max(0, b * b - 4 * total * theta * (xT + xC));
  const pC = (2 * (xT + xC)) / (b + Math.sqrt(disc));
  const pT = theta * pC;
  const varT = (pT * (1 - pT)) / nT;
  const varC = (theta * theta * pC * (1 - pC)) / nC;
  const variance = (Math.max(0, varT + varC) * total) / (total - 1);
  if (!(variance > 0)) return score > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const plain = score / Math.sqrt(variance);
  if (!skew) return plain;
  const mu3 = (varT * (1 - 2 * pT)) / nT - (theta * varC * (1 - 2 * pC)) / nC;
  const term = mu3 / (6 * variance * Math.sqrt(variance));
  if (term === 0 || !Number.isFinite(term)) return plain;
  // term · z² + z - (plain + term) = 0, the root that tends to `plain` as term -> 0.
  const c = plain + term;
  const root = 1 + 4 * term * c;
  return root < 0 ? -1 / (2 * term) : (2 * c) / (1 + Math.sqrt(root));
}

// {θ : -q <= z(θ) <= q} as a relative interval, searched in ln θ from the estimate outwards;
// `start` null means no treatment conversions (θ_L = 0).
function interval(z: (theta: number) => number, start: number | null, q: number): Interval | null {
  const from = start ?? Math.log(0.5); // any point: the lower bound is 0 and z(θ) > -q near it
  const low = start === null ? Number.NEGATIVE_INFINITY : edge((u) => z(Math.exp(u)) > q, from);
  const high = edge((u) => z(Math.exp(u)) >= -q, from);
  if (!(high < Number.POSITIVE_INFINITY)) return null;
  return [Math.expm1(low), Math.expm1(high)];
}

// The u where `below` turns from true (u -> -∞) to false, bracketed outwards from `from`
// by doubling steps, then bisected to the last bit; ±∞ past LOG_LIMIT (θ = 0 or unbounded).
function edge(below: (u: number) => boolean, from: number): number {
  const up = below(from); // the edge lies above `from`
  let near = from;
  let far = from;
  for (let step = 0.25; below(far) === up; step *= 2) {
    near = far;
    far = from + (up ? step : -step);
    if (Math.abs(far) > LOG_LIMIT) return up ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
  let lo = Math.min(near, far); // below(lo)
  let hi = Math.max(near, far); // !below(hi)
  for (let i = 0; i < 200; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (below(mid)) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}
