/**
 * Always-valid (sequential) intervals, so that results can be read at any time, and as often
 * as wanted, without inflating the error rate.
 */

import { ValidationError } from "../errors/ValidationError.js";
import type { Interval } from "./types.js";
import { checkAlpha } from "./validate.js";

/** An always-valid interval around an estimate. */
export interface SequentialInterval {
  ci: Interval;
  halfWidth: number;
}

/** Options of `sequentialInterval`. */
export interface SequentialOptions {
  /** Two-sided level, in (0, 1); 0.05 by default. */
  alpha?: number;
  /**
   * The sample size `N*` at which the interval is tightest relative to the fixed-n one;
   * 5000 by default. Only its order of magnitude matters.
   */
  tuning?: number;
}

/**
 * The asymptotic confidence sequence of Waudby-Smith et al. ("Time-uniform central limit
 * theory and asymptotic confidence sequences", 2024) around `estimate`: with probability
 * `1 - alpha`, the true effect lies in the interval at every `n` at once, so peeking and
 * stopping early are safe. With `N = n` (pass `n_c + n_t`) and
 * `rho = sqrt((-2 ln alpha + ln(-2 ln alpha + 1)) / N*)`:
 *
 * `halfWidth = se · sqrt(N) · sqrt(2 (N rho² + 1) ln(sqrt(N rho² + 1) / alpha) / (N rho)²)`
 *
 * (`se · sqrt(N)` estimates the per-user standard deviation). The price is width: at least
 * 1.54x the fixed-n interval at alpha = 0.05 (1.549x, near `N = N*`), 1.7x at N = 1,000 and
 * about 2x at N = 10^7. Null when `estimate` or `se` is null, or `N < 2`.
 *
 * @param estimate - the effect (treatment minus control)
 * @param se - its standard error
 * @param n - users so far, both arms together
 * @throws ValidationError when `alpha` is outside (0, 1) or `tuning` is not positive
 *
 * @example
 * sequentialInterval(0.5, 0.1, 10_000); // { ci: [0.1939, 0.8061], halfWidth: 0.3061 }
 * // (the fixed-n 95% interval would be 0.5 ∓ 0.196)
 */
export function sequentialInterval(
  estimate: number | null,
  se: number | null,
  n: number,
  options: SequentialOptions = {},
): SequentialInterval | null {
  const alpha = checkAlpha(options.alpha, WHAT);
  const tuning = options.tuning ?? DEFAULT_TUNING;
  if (typeof tuning !== "number" || !(tuning > 0) || !Number.isFinite(tuning)) {
    throw ValidationError.field(["tuning"], "must be a positive number", WHAT);
  }
  if (estimate === null || se === null || !Number.isFinite(estimate)) return null;
  if (!(se >= 0) || !Number.isFinite(se) || !(n >= 2) || !Number.isFinite(n)) return null;
  const logAlpha = -2 * Math.log(alpha);
  const rho = Math.sqrt((logAlpha + Math.log(logAlpha + 1)) / tuning);
  const nRho2 = n * rho * rho;
  const nRho = n * rho;
  const factor = Math.sqrt(
    (2 * (nRho2 + 1) * Math.log(Math.sqrt(nRho2 + 1) / alpha)) / (nRho * nRho),
  );
  const halfWidth = se * Math.sqrt(n) * factor;
  return { ci: [estimate - halfWidth, estimate + halfWidth], halfWidth };
}

// --- Internal helpers ---

const WHAT = "sequentialInterval input";
const DEFAULT_TUNING = 5000;
