/**
 * The relative effect `(treatment - control) / |control|`, its interval and p-value, shared
 * by every test that reports one (means, CUPED, ratio metrics).
 */
import { studentTCdf, studentTQuantile } from "./distributions.js";
import type { RelativeEffect } from "./types.js";

/**
 * An absolute effect `N` (treatment minus control) and the control's value `D` it is read
 * against, with the variances of both estimates and their covariance.
 */
export interface RelativeInput {
  /** `N`: the absolute effect. */
  difference: number;
  /** `D`: the control's estimated value (mean or ratio). */
  control: number;
  /** `Var(N)`, the squared standard error of the absolute effect. */
  differenceVariance: number;
  /** `Var(D)`. */
  controlVariance: number;
  /** `Cov(N, D)`: `-Var(D)` when `N = T - D` and the arms are independent. */
  covariance: number;
}

/** The reference distribution of the test: Student's t with `df` (Infinity: the normal). */
export interface RelativeReference {
  alpha: number;
  df: number;
}

/**
 * `r = N / |D|`, with a `1 - alpha` interval and a p-value that always agree (the interval
 * excludes 0 exactly when `pValue < alpha`). Dividing by `|D|` keeps the sign of the
 * absolute effect whatever the control's sign: profit going from -5 to -10 is -100%.
 *
 * - Both values positive (`D > 0`, `T = D + N > 0`: revenue, counts, latency): the log
 *   ratio, `ln(T / D) ∓ q · s` with `s² = Var(T)/T² + Var(D)/D² - 2 Cov(T, D)/(T D)`, mapped
 *   back by `exp(·) - 1`; `pValue` is the test of `ln(T / D) / s`. The log is far less
 *   skewed than the ratio itself, so the interval keeps its level on skewed metrics with
 *   unequal splits where the delta method's symmetric interval does not.
 * - Otherwise (a negative control, or a treatment at or below 0): Fieller's interval, the
 *   `φ` for which `N - φD` is not significant; `pValue` is then the absolute effect's own.
 *   It is null when the control cannot be told apart from 0 (`D² <= q² Var(D)`): every
 *   ratio is then compatible with the data.
 *
 * Null when `D = 0` or a number is not finite; `ci` and `pValue` null when the variances
 * cannot support them.
 *
 * @param input - the absolute effect, the control's value, their variances and covariance
 * @param reference - `alpha` (two-sided) and the `df` of the test (`Infinity` for a z-test)
 *
 * @example
 * // Means 10 (control) and 11, each with squared standard error 0.09:
 * relativeEffect(
 *   { difference: 1, control: 10, differenceVariance: 0.18, controlVariance: 0.09, covariance: -0.09 },
 *   { alpha: 0.05, df: Number.POSITIVE_INFINITY },
 * ); // { estimate: 0.1, ci: [0.0160, 0.1910], pValue: 0.0187 }
 */
export function relativeEffect(
  input: RelativeInput,
  reference: RelativeReference,
): RelativeEffect | null {
  const { difference, control } = input;
  if (control === 0 || !Number.isFinite(control) || !Number.isFinite(difference)) return null;
  const result: RelativeEffect = {
    estimate: difference / Math.abs(control),
    ci: null,
    pValue: null,
  };
  const { differenceVariance, controlVariance, covariance } = input;
  const usable =
    differenceVariance > 0 &&
    controlVariance >= 0 &&
    Number.isFinite(differenceVariance + controlVariance + covariance) &&
    reference.df > 0;
  if (!usable) return result;
  const critical = studentTQuantile(1 - reference.alpha / 2, reference.df);
  const twoSided = (statistic: number) =>
    Math.min(1, 2 * studentTCdf(-Math.abs(statistic), reference.df));
  const treatment = control + difference;
  if (control > 0 && treatment > 0) {
    logRatio(input, treatment, critical, twoSided, result);
  } else {
    result.ci = fieller(input, critical);
    result.pValue = twoSided(difference / Math.sqrt(differenceVariance));
  }
  return result;
}

// --- Internal helpers ---

// ln(T / D) with the delta method's variance of the log, read back as T / D - 1.
function logRatio(
  input: RelativeInput,
  treatment: number,
  critical: number,
  twoSided: (statistic: number) => number,
  result: RelativeEffect,
): void {
  const { control, differenceVariance: vN, controlVariance: vD, covariance: c } = input;
  const vT = vN + vD + 2 * c; // Var(N + D)
  const cTD = c + vD; // Cov(N + D, D)
  const variance =
    vT / treatment / treatment + vD / control / control - (2 * cTD) / treatment / control;
  if (!(variance > 0 && Number.isFinite(variance))) return;
  const se = Math.sqrt(variance);
  const log = Math.log1p(input.difference / control); // exact for tiny effects, unlike ln(T / D)
  result.ci = [Math.expm1(log - critical * se), Math.expm1(log + critical * se)];
  result.pValue = twoSided(log / se);
}

// Fieller's interval of N / D, solved in units of the control (everything divided by D or
// D²) so that no square overflows or underflows, and returned for N / |D|.
function fieller(input: RelativeInput, critical: number): [number, number] | null {
  const { control } = input;
  const ratio = input.difference / control; // φ̂ = N / D
  const q2 = critical * critical;
  const vN = input.differenceVariance / control / control;
  const vD = input.controlVariance / control / control;
  const c = input.covariance / control / control;
  // A φ² - 2 B φ + C <= 0, bounded only when A > 0.
  const a = 1 - q2 * vD;
  if (!(a > 0)) return null;
  const b = ratio - q2 * c;
  const cc = ratio * ratio - q2 * vN;
  const root = Math.sqrt(Math.max(b * b - a * cc, 0));
  // The stable pair of roots (b ± root) / a: the far one directly, the near one as cc / far.
  const far = b + (b < 0 ? -root : root);
  const first = far / a;
  const second = far === 0 ? 0 : cc / far;
  const low = Math.min(first, second);
  const high = Math.max(first, second);
  if (!(Number.isFinite(low) && Number.isFinite(high))) return null;
  return control > 0 ? [low, high] : [-high, -low]; // N / |D| = sign(D) φ
}
