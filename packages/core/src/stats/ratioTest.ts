/**
 * Ratio metrics: Σ numerator / Σ denominator per arm (tokens per conversation, revenue per
 * order), compared with the delta method. The user stays the unit of randomization, so the
 * numerator and denominator of one user are correlated and their covariance counts.
 */
import { ValidationError } from "../errors/ValidationError.js";
import { sampleCovariance } from "./moments.js";
import { normalCdf, normalQuantile } from "./normal.js";
import { relativeEffect } from "./relativeEffect.js";
import type { RatioResult, RatioSide, TestOptions } from "./types.js";
import { checkAlpha, checkCount, checkFinite, checkObject } from "./validate.js";

/**
 * Compares two arms' ratios `R = ΣN / ΣD` (a z-test: the delta method is a large-sample
 * approximation).
 *
 * - each arm: `Var(R) ≈ (s²_N - 2R s_ND + R² s²_D) / (n D̄²)`, with per-user sample
 *   variances `s²`, covariance `s_ND` and mean denominator `D̄`;
 * - absolute: `R_t - R_c`, `se = sqrt(Var(R_t) + Var(R_c))`, interval `∓ z_{1-alpha/2} se`;
 * - relative: `(R_t - R_c) / |R_c|`, with `relativeEffect`'s interval and p-value (z);
 * - `pValue = 2 (1 - Φ(|diff| / se))`.
 *
 * An arm with fewer than 2 users or a zero denominator gives nulls; never NaN, never a throw.
 *
 * @param control - the control arm: `{ n, sumNumerator, sumNumerator2, sumDenominator, sumDenominator2, sumProducts }`
 * @param treatment - the treatment arm, same shape
 * @param options - `alpha`, the two-sided level (0.05 by default)
 * @throws ValidationError when a count is negative or fractional, a number is not finite,
 *   a sum of squares is negative, or `alpha` is outside (0, 1)
 *
 * @example
 * // Tokens per conversation, 100 users per arm, about 2 conversations each:
 * ratioTest(
 *   { n: 100, sumNumerator: 20_000, sumNumerator2: 4_300_000, sumDenominator: 200, sumDenominator2: 420, sumProducts: 42_000 },
 *   { n: 100, sumNumerator: 22_000, sumNumerator2: 5_040_000, sumDenominator: 200, sumDenominator2: 420, sumProducts: 46_000 },
 * ); // control.ratio 100, treatment.ratio 110, absolute.estimate 10 with its interval
 */
export function ratioTest(
  control: RatioSide,
  treatment: RatioSide,
  options: TestOptions = {},
): RatioResult {
  const alpha = checkAlpha(options.alpha, WHAT);
  checkSide(control, "control");
  checkSide(treatment, "treatment");
  const c = armRatio(control);
  const t = armRatio(treatment);
  const result: RatioResult = {
    absolute: { estimate: null, ci: null },
    relative: null,
    pValue: null,
    df: null,
    se: null,
    control: { ratio: c.ratio, se: c.variance === null ? null : Math.sqrt(c.variance) },
    treatment: { ratio: t.ratio, se: t.variance === null ? null : Math.sqrt(t.variance) },
  };
  if (c.ratio === null || t.ratio === null) return result;
  const diff = t.ratio - c.ratio;
  result.absolute.estimate = diff;
  const vC = c.variance ?? Number.NaN;
  const vT = t.variance ?? Number.NaN;
  result.relative = relativeEffect(
    {
      difference: diff,
      control: c.ratio,
      differenceVariance: vC + vT,
      controlVariance: vC,
      covariance: -vC,
    },
    { alpha, df: Number.POSITIVE_INFINITY },
  );
  const se = Math.sqrt(vC + vT);
  if (!(se > 0 && Number.isFinite(se))) return result;
  const critical = normalQuantile(1 - alpha / 2);
  result.se = se;
  result.pValue = Math.min(1, 2 * normalCdf(-Math.abs(diff / se)));
  result.absolute.ci = [diff - critical * se, diff + critical * se];
  return result;
}

// --- Internal helpers ---

const WHAT = "ratioTest input";

function checkSide(side: RatioSide, name: string): void {
  checkObject(side, name, WHAT);
  checkCount(side.n, [name, "n"], WHAT);
  const fields = [
    "sumNumerator",
    "sumNumerator2",
    "sumDenominator",
    "sumDenominator2",
    "sumProducts",
  ] as const;
  for (const field of fields) checkFinite(side[field], [name, field], WHAT);
  for (const field of ["sumNumerator2", "sumDenominator2"] as const) {
    if (side[field] < 0) throw ValidationError.field([name, field], "must not be negative", WHAT);
  }
}

// The arm's ratio and the delta-method variance of it (null where undefined).
function armRatio(side: RatioSide): { ratio: number | null; variance: number | null } {
  if (side.n === 0 || side.sumDenominator === 0) return { ratio: null, variance: null };
  const ratio = side.sumNumerator / side.sumDenominator;
  const { n } = side;
  const vn = sampleCovariance(n, side.sumNumerator, side.sumNumerator, side.sumNumerator2);
  const vd = sampleCovariance(n, side.sumDenominator, side.sumDenominator, side.sumDenominator2);
  const cnd = sampleCovariance(n, side.sumNumerator, side.sumDenominator, side.sumProducts);
  if (vn === null || vd === null || cnd === null) return { ratio, variance: null };
  const meanDenominator = side.sumDenominator / n;
  const variance =
    Math.max(vn - 2 * ratio * cnd + ratio * ratio * vd, 0) / (n * meanDenominator ** 2);
  return { ratio, variance: Number.isFinite(variance) ? variance : null };
}
