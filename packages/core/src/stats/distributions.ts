/**
 * Student's t for any `df > 0` (through the incomplete beta function) and the chi-square
 * survival function, implemented here so that `@abkit/core` has no runtime dependency.
 * Lower tails keep their relative accuracy, so `2 * studentTCdf(-|t|, df)` is an accurate
 * p-value even at 1e-12.
 */
import { normalCdf, normalQuantile } from "./normal.js";
import { incompleteBeta, logBeta, regularizedGammaQ } from "./special.js";

/**
 * `P(T <= t)` for Student's t with `df > 0` degrees of freedom (fractional Welch df and
 * huge df included; `df = Infinity` is the normal). Relative error about 1e-14 in the tails.
 *
 * @example
 * studentTCdf(2, 10); // 0.9633059826146299
 * studentTCdf(-1, 1); // 0.25 (Cauchy: 1/2 + atan(t)/π)
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t²) and 1 - x = t² / (df + t²).
  // Logs from ln(t²/df) so that neither overflow nor rounding of 1 + t²/df matters.
  const lnRatio = 2 * Math.log(Math.abs(t)) - Math.log(df);
  const ratio = Math.exp(lnRatio);
  let lnX: number;
  let lnY: number;
  if (ratio <= 1) {
    lnX = -Math.log1p(ratio);
    lnY = lnRatio + lnX;
  } else {
    lnY = -Math.log1p(1 / ratio);
    lnX = lnY - lnRatio;
  }
  const x = ratio <= 1 ? 1 / (1 + ratio) : Math.exp(lnX);
  const y = ratio <= 1 ? Math.exp(lnY) : 1 / (1 + 1 / ratio);
  const twoSided = incompleteBeta(df / 2, 0.5, x, y, lnX, lnY);
  return t < 0 ? twoSided / 2 : 1 - twoSided / 2;
}

/**
 * The quantile of Student's t with `df > 0`: exact for df = 1 and 2, otherwise Hill's
 * approximation refined by safeguarded Newton steps on the log of the tail probability, to
 * about 1e-14 relative.
 *
 * @example
 * studentTQuantile(0.975, 1); // 12.706204736174694
 * studentTQuantile(0.975, 30); // 2.0422724563012387
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  const upper = p < 0.5 ? p : 1 - p; // the tail probability beyond |t|
  const magnitude = tailQuantile(upper, df);
  return p < 0.5 ? -magnitude : magnitude;
}

/**
 * `P(X > x)` for the chi-square distribution with `df > 0` degrees of freedom: the p-value
 * of a chi-square statistic, accurate in relative terms far into the tail.
 *
 * @example
 * chiSquareSurvival(3.841458820694124, 1); // 0.05 (3.84 is the 95th percentile)
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

// --- Internal helpers ---

// The t > 0 with P(T > t) = upper, for 0 < upper < 0.5.
function tailQuantile(upper: number, df: number): number {
  if (df === 1) return 1 / Math.tan(Math.PI * upper);
  if (df === 2) return (1 - 2 * upper) / Math.sqrt(2 * upper * (1 - upper));
  const target = Math.log(upper);
  let t = initialGuess(upper, df);
  // Past the largest double: the tail's power law is exact to t^-2 out there.
  if (t === Number.POSITIVE_INFINITY) return t;
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const tail = studentTCdf(-t, df);
    const gap = Math.log(tail) - target; // decreasing in t
    if (gap === 0) return t;
    if (gap > 0) lo = t;
    else hi = t;
    // Newton on ln P(T > t): d/dt = -density / tail, the ratio taken in logs (both underflow
    // far out).
    let next = t + gap * Math.exp(Math.log(tail) - studentTLogDensity(t, df));
    if (!(next > lo && next < hi)) next = hi === Number.POSITIVE_INFINITY ? 4 * t : bisect(lo, hi);
    if (Math.abs(next - t) <= 1e-15 * next) return next;
    t = next;
  }
  return t;
}

function bisect(lo: number, hi: number): number {
  return lo > 0 && hi / lo > 4 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
}

// ln of the density, with ln(1 + t²/df) from ln(t²/df) so that t² cannot overflow.
function studentTLogDensity(t: number, df: number): number {
  const lnRatio = 2 * Math.log(Math.abs(t)) - Math.log(df);
  const ln1p =
    lnRatio > 0 ? lnRatio + Math.log1p(Math.exp(-lnRatio)) : Math.log1p(Math.exp(lnRatio));
  return -logBeta(df / 2, 0.5) - 0.5 * Math.log(df) - ((df + 1) / 2) * ln1p;
}

// G. W. Hill's approximation (ACM algorithm 396, as in R's qt) for df >= 1; below that the
// power-law tail P(T > t) ≈ df^(df/2 - 1) t^-df / B(df/2, 1/2).
function initialGuess(upper: number, df: number): number {
  if (df < 1) {
    const lnT = ((df / 2 - 1) * Math.log(df) - logBeta(df / 2, 0.5) - Math.log(upper)) / df;
    return Math.max(Math.exp(lnT), 1e-3);
  }
  const twoSided = 2 * upper;
  const a = 1 / (df - 0.5);
  const b = 48 / (a * a);
  let c = ((20700 * a) / b - 98) * a - 16;
  c = c * a + 96.36;
  const d = ((94.5 / (b + c) - 3) / b + 1) * Math.sqrt((a * Math.PI) / 2) * df;
  let y = (d * twoSided) ** (2 / df);
  if ((df < 2.1 && twoSided > 0.5) || y > 0.05 + a) {
    const x = normalQuantile(upper);
    y = x * x;
    if (df < 5) c += 0.3 * (df - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
    y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
    y = Math.expm1(a * y * y);
  } else {
    y =
      ((1 / (((df + 6) / (df * y) - 0.089 * d - 0.822) * (df + 2) * 3) + 0.5 / (df + 4)) * y - 1) *
        ((df + 1) / (df + 2)) +
      1 / y;
  }
  const guess = Math.sqrt(df * y);
  return Number.isFinite(guess) && guess > 0 ? guess : Math.max(-normalQuantile(upper), 1e-3);
}
