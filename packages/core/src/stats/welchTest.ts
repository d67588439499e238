/**
 * Welch's t-test for the difference of two means, from per-user sufficient statistics, with
 * an interval and p-value for the relative difference.
 */
import { ValidationError } from "../errors/ValidationError.js";
import { studentTCdf, studentTQuantile } from "./distributions.js";
import { sampleMean, sampleVariance } from "./moments.js";
import { relativeEffect } from "./relativeEffect.js";
import type { MeanSide, TestOptions, TestResult } from "./types.js";
import { checkAlpha, checkCount, checkFinite, checkObject } from "./validate.js";

/**
 * Compares the treatment's mean with the control's (Welch's unequal-variance t-test).
 *
 * - absolute: `m_t - m_c`, interval `diff ∓ t_{1-alpha/2, df} · se` with
 *   `se = sqrt(s²_c / n_c + s²_t / n_t)` and Welch-Satterthwaite `df`;
 * - relative: `(m_t - m_c) / |m_c|`, with `relativeEffect`'s interval and p-value at the same
 *   df (the log ratio when both means are positive, Fieller's interval otherwise); null
 *   when `m_c = 0`;
 * - `pValue = 2 · P(T_df > |diff / se|)`.
 *
 * An arm with fewer than 2 users, or no variance in either arm, gives null `pValue`, `df`,
 * `se` and intervals (the estimates are still given when defined); never NaN, never a throw.
 *
 * @param control - the control arm (variant 0): `{ n, sum, sumSquares }` of per-user values
 * @param treatment - the treatment arm, same shape
 * @param options - `alpha`, the two-sided level (0.05 by default)
 * @throws ValidationError when a count is negative or fractional, a number is not finite,
 *   `sumSquares` is negative, or `alpha` is outside (0, 1)
 *
 * @example
 * // Means 10 and 11, variances 9.09 and 9.09, 100 users each:
 * welchTest({ n: 100, sum: 1000, sumSquares: 10_900 }, { n: 100, sum: 1100, sumSquares: 13_000 });
 * // { absolute: { estimate: 1, ci: [0.159, 1.841] },
 * //   relative: { estimate: 0.1, ci: [0.0151, 0.1920], pValue: 0.0203 },
 * //   pValue: 0.0200, df: 198, se: 0.4264 }
 */
export function welchTest(
  control: MeanSide,
  treatment: MeanSide,
  options: TestOptions = {},
): TestResult {
  const alpha = checkAlpha(options.alpha, WHAT);
  checkSide(control, "control");
  checkSide(treatment, "treatment");
  const meanC = sampleMean(control);
  const meanT = sampleMean(treatment);
  const result: TestResult = {
    absolute: { estimate: null, ci: null },
    relative: null,
    pValue: null,
    df: null,
    se: null,
  };
  if (meanC === null || meanT === null) return result;
  const diff = meanT - meanC;
  result.absolute.estimate = diff;
  const varC = sampleVariance(control);
  const varT = sampleVariance(treatment);
  if (varC !== null && varT !== null) {
    fillWelchInference(
      { mean: meanC, variance: varC, n: control.n },
      { mean: meanT, variance: varT, n: treatment.n },
      alpha,
      result,
    );
  }
  // Without a test (too few users, no variance) the estimate alone.
  const a = varC === null ? Number.NaN : varC / control.n;
  const b = varT === null ? Number.NaN : varT / treatment.n;
  result.relative = relativeEffect(
    {
      difference: diff,
      control: meanC,
      differenceVariance: a + b,
      controlVariance: a,
      covariance: -a,
    },
    { alpha, df: result.df ?? Number.NaN },
  );
  return result;
}

/**
 * Fills `result`'s standard error, Welch-Satterthwaite df, p-value and absolute interval
 * from each arm's mean, per-user variance and size; leaves them null when the data cannot
 * support them. Shared by `welchTest` and `cupedTest` (whose means and variances are of the
 * adjusted outcome); each sets the relative effect itself.
 */
export function fillWelchInference(
  control: { mean: number; variance: number; n: number },
  treatment: { mean: number; variance: number; n: number },
  alpha: number,
  result: TestResult,
): void {
  const diff = treatment.mean - control.mean;
  const a = control.variance / control.n; // squared standard error of each mean
  const b = treatment.variance / treatment.n;
  const se = Math.sqrt(a + b);
  const df = welchDf(a, control.n, b, treatment.n);
  if (!(se > 0 && Number.isFinite(se) && df > 0 && Number.isFinite(df))) return;
  const critical = studentTQuantile(1 - alpha / 2, df);
  result.se = se;
  result.df = df;
  result.pValue = Math.min(1, 2 * studentTCdf(-Math.abs(diff / se), df));
  result.absolute.ci = [diff - critical * se, diff + critical * se];
}

// --- Internal helpers ---

const WHAT = "welchTest input";

function checkSide(side: MeanSide, name: string): void {
  checkObject(side, name, WHAT);
  checkCount(side.n, [name, "n"], WHAT);
  checkFinite(side.sum, [name, "sum"], WHAT);
  const sumSquares = checkFinite(side.sumSquares, [name, "sumSquares"], WHAT);
  if (sumSquares < 0) {
    throw ValidationError.field([name, "sumSquares"], "must not be negative", WHAT);
  }
}

/**
 * Welch-Satterthwaite degrees of freedom of `se² = a + b`, with `a = s²_a / n_a` and
 * `b = s²_b / n_b`: `(a + b)² / (a² / (n_a - 1) + b² / (n_b - 1))`, scaled by max(a, b) so
 * that tiny or huge variances neither underflow nor overflow.
 */
export function welchDf(a: number, nA: number, b: number, nB: number): number {
  const scale = Math.max(a, b);
  const x = a / scale;
  const y = b / scale;
  return ((x + y) * (x + y)) / ((x * x) / (nA - 1) + (y * y) / (nB - 1));
}
