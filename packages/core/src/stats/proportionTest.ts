import { newcombeInterval } from "./newcombe.js";
import { normalCdf, normalQuantile } from "./normal.js";
import { relativeRate } from "./rateRatio.js";
import type { ProportionSide, TestOptions, TestResult } from "./types.js";
import { checkAlpha, checkProportionSide } from "./validate.js";

/**
 * Compares the treatment's conversion rate with the control's.
 *
 * - `pValue = 2 · P(Z > |diff / se|)` with the pooled `se = sqrt(p̄ (1 - p̄) (1/n_c + 1/n_t))`,
 *   `p̄` the rate of both arms together: the standard error under no difference, which an
 *   arm with few users or no conversions cannot shrink (the unpooled one gave such an arm
 *   no variance, and 95/5 splits at 1% conversion 9-59% false positives);
 * - absolute: `p_t - p_c`, with Newcombe's hybrid score interval (`newcombeInterval`),
 *   which holds its level for small and rare arms and exists whenever both arms have users;
 * - relative: `(p_t - p_c) / p_c` with the skewness-corrected score interval of the ratio
 *   `p_t / p_c` and that score's p-value (`relativeRate`), which keep about `alpha / 2` in
 *   each tail with small and rare arms and zero cells; null when `p_c = 0`;
 * - `df` is always null.
 *
 * An arm with no users gives null `pValue`, `se` and intervals; `se = 0` (0/100 vs 0/100, or
 * everyone converting on both sides) gives null `pValue` and `se`. Never NaN, never a throw.
 *
 * @param control - the control arm (variant 0): `{ n, conversions }`
 * @param treatment - the treatment arm, same shape
 * @param options - `alpha`, the two-sided level (0.05 by default)
 * @throws ValidationError when a count is negative or fractional, `conversions > n`, or
 *   `alpha` is outside (0, 1)
 *
 * @example
 * proportionTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 });
 * // { absolute: { estimate: 0.03, ci: [0.00200, 0.05807] },
 * //   relative: { estimate: 0.3, ci: [0.0179, 0.6647], pValue: 0.0355 },
 * //   pValue: 0.0355, df: null, se: 0.01427 }
 */
export function proportionTest(
  control: ProportionSide,
  treatment: ProportionSide,
  options: TestOptions = {},
): TestResult {
  const alpha = checkAlpha(options.alpha, WHAT);
  checkProportionSide(control, "control", WHAT);
  checkProportionSide(treatment, "treatment", WHAT);
  const result: TestResult = {
    absolute: { estimate: null, ci: null },
    relative: null,
    pValue: null,
    df: null,
    se: null,
  };
  if (control.n === 0 || treatment.n === 0) return result;
  const diff = treatment.conversions / treatment.n - control.conversions / control.n;
  result.absolute.estimate = diff;
  const critical = normalQuantile(1 - alpha / 2);
  result.absolute.ci = newcombeInterval(control, treatment, critical);
  result.relative = relativeRate(control, treatment, critical);
  const pooled = (control.conversions + treatment.conversions) / (control.n + treatment.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  if (se > 0) {
    result.se = se;
    result.pValue = Math.min(1, 2 * normalCdf(-Math.abs(diff / se)));
  }
  return result;
}

// --- Internal helpers ---

const WHAT = "proportionTest input";
