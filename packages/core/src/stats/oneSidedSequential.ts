/**
 * Always-valid bounds read one side at a time, for one-sided questions asked on any day
 * (a guardrail's non-inferiority: "is the harm below the margin?").
 */
import { ValidationError } from "../errors/ValidationError.js";
import {
  proportionSequentialInterval,
  type SequentialOptions,
  sequentialInterval,
} from "./sequential.js";
import type { Interval, ProportionSide } from "./types.js";
import { checkAlpha } from "./validate.js";

/**
 * Always-valid lower and upper bounds for an effect, each one-sided at level `alpha`: with
 * probability at least about `1 - alpha`, the true effect stays above the lower bound at
 * every `n` at once (and, separately, below the upper one). It is `sequentialInterval` at
 * level `2 alpha`. The two-sided sequence's normal mixture is the average of two one-sided
 * mixtures (positive and negative slopes); beyond one of its boundaries the other half is
 * negligible, so one side of it at `2 alpha` is the one-sided sequence at `alpha`.
 * Null when `estimate` or `se` is null, or `n < 2`.
 *
 * @param estimate - the effect (treatment minus control)
 * @param se - its standard error
 * @param n - users so far, both arms together
 * @throws ValidationError when `alpha` is outside (0, 0.5) or `tuning` is not positive
 *
 * @example
 * oneSidedSequentialBounds(0.5, 0.1, 10_000); // [0.2209, 0.7791] (two-sided 95%: ∓0.3061)
 */
export function oneSidedSequentialBounds(
  estimate: number | null,
  se: number | null,
  n: number,
  options: SequentialOptions = {},
): Interval | null {
  return sequentialInterval(estimate, se, n, twoSided(options))?.ci ?? null;
}

/**
 * `oneSidedSequentialBounds` for a difference of rates `p_t - p_c`: one side at a time of
 * `proportionSequentialInterval` (Newcombe's score interval with the sequence's critical
 * value) at level `2 alpha`. Null when an arm has no users, or `n_c + n_t < 2`.
 *
 * @throws ValidationError as `proportionSequentialInterval`, or when `alpha` is not below 0.5
 *
 * @example
 * proportionOneSidedSequentialBounds({ n: 5000, conversions: 500 }, { n: 5000, conversions: 560 });
 * // [-0.00520, 0.02922]
 */
export function proportionOneSidedSequentialBounds(
  control: ProportionSide,
  treatment: ProportionSide,
  options: SequentialOptions = {},
): Interval | null {
  return proportionSequentialInterval(control, treatment, twoSided(options))?.ci ?? null;
}

/**
 * How many standard errors an always-valid one-sided bound at `alpha` lies from the
 * estimate after `n` users: `oneSidedSequentialBounds(0, 1, n)`'s upper end. Null for `n < 2`.
 *
 * @example
 * oneSidedSequentialCritical(10_000); // 2.791 (the fixed-n one-sided z is 1.645)
 */
export function oneSidedSequentialCritical(
  n: number,
  options: SequentialOptions = {},
): number | null {
  return sequentialInterval(0, 1, n, twoSided(options))?.halfWidth ?? null;
}

// --- Internal helpers ---

function twoSided(options: SequentialOptions): SequentialOptions {
  const alpha = checkAlpha(options.alpha, "oneSidedSequentialBounds input");
  if (!(alpha < 0.5)) {
    throw ValidationError.field(
      ["alpha"],
      "must be below 0.5 for a one-sided bound",
      "oneSidedSequentialBounds input",
    );
  }
  return { ...options, alpha: 2 * alpha };
}
