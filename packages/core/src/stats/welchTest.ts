/**
 * Welch's t-test for the difference of two means, from per-user sufficient statistics, with
 * a delta-method interval for the relative difference.
 */
import { ValidationError } from "../errors/ValidationError.js";
import { studentTCdf, studentTQuantile } from "./distributions.js";
import { sampleMean, sampleVariance } from "./moments.js";
import type { MeanSide, RelativeEffect, TestOptions, TestResult } from "./types.js";
import { checkAlpha, checkCount, checkFinite, checkObject } from "./validate.js";

/**
 * Compares the treatment's mean with the control's (Welch's unequal-variance t-test).
 *
 * - absolute: `m_t - m_c`, interval `diff ∓ t_{1-alpha/2, df} · se` with
 *   `se = sqrt(s²_c / n_c + s²_t / n_t)` and Welch-Satterthwaite `df`;
 * - relative: `(m_t - m_c) / m_c`, interval `r ∓ t_{1-alpha/2, df} · se_r` with the delta
 *   method `se_r = sqrt(s²_t / (n_t m_c²) + s²_c m_t² / (n_c m_c⁴))`; null when `m_c = 0`;
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
 * //   relative: { estimate: 0.1, ci: [0.0116, 0.1884] },
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
  const diff = meanC === null || meanT === null ? null : meanT - meanC;
  const relative: RelativeEffect | null =
    diff === null || meanC === 0 || meanC === null ? null : { estimate: diff / meanC, ci: null };
  const result: TestResult = {
    absolute: { estimate: diff, ci: null },
    relative,
    pValue: null,
    df: null,
    se: null,
  };
  const varC = sampleVariance(control);
  const varT = sampleVariance(treatment);
  if (diff === null || meanC === null || meanT === null || varC === null || varT === null) {
    return result;
  }
  fillWelchInference(
    { mean: meanC, variance: varC, n: control.n },
    { mean: meanT, variance: varT, n: treatment.n },
    alpha,
    result,
  );
  return result;
}

/**
 * Fills `result`'s standard error, Welch-Satterthwaite df, p-value and the absolute and
 * relative intervals from each arm's mean, per-user variance and size; leaves them null
 * when the data cannot support them. Shared by `welchTest` and `cupedTest` (whose means and
 * variances are of the adjusted outcome).
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
  if (result.relative) {
    const ratio = treatment.mean / control.mean;
    const seRelative = Math.sqrt(b + a * ratio * ratio) / Math.abs(control.mean);
    if (seRelative > 0 && Number.isFinite(seRelative)) {
      const half = critical * seRelative;
      result.relative.ci = [result.relative.estimate - half, result.relative.estimate + half];
    }
  }
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
