/**
 * The sample-ratio-mismatch check: are the users split between variants as the weights say?
 */
import { ValidationError } from "../errors/ValidationError.js";
import { chiSquareSurvival } from "./distributions.js";

/** The result of `srmTest`. */
export interface SrmResult {
  /** Pearson's statistic `Σ (observed - expected)² / expected` over weighted variants. */
  chiSquare: number;
  /** Weighted variants minus one (0 when there are fewer than two). */
  df: number;
  pValue: number;
  /** True when `pValue < 0.001`: the split is not what the weights say. */
  mismatch: boolean;
}

/**
 * The p-value below which `srmTest` reports a mismatch.
 *
 * @example
 * srmTest([5165, 4835], [50, 50]).pValue < SRM_THRESHOLD; // true (p = 0.00097)
 */
export const SRM_THRESHOLD = 0.001;

/**
 * Pearson's chi-square goodness-of-fit test of the users per variant against the weights.
 * Only variants with weight > 0 take part: with `N` their users, variant `i` expects
 * `w_i / Σw · N`; `df = k - 1` for `k` weighted variants. Weights may be percentages or
 * fractions (only their ratios matter). Fewer than two weighted variants, or no users,
 * gives `{ chiSquare: 0, pValue: 1, mismatch: false }`.
 *
 * @param counts - users per variant, in variant order
 * @param weights - the configured weights, same order and length
 * @throws ValidationError when the lengths differ or a count or weight is negative or not finite
 *
 * @example
 * srmTest([5000, 5000], [50, 50]); // { chiSquare: 0, df: 1, pValue: 1, mismatch: false }
 * srmTest([5200, 4800], [50, 50]); // { chiSquare: 16, df: 1, pValue: 6.33e-5, mismatch: true }
 */
export function srmTest(counts: number[], weights: number[]): SrmResult {
  check(counts, weights);
  let totalWeight = 0;
  let users = 0;
  let k = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! > 0) {
      totalWeight += weights[i]!;
      users += counts[i]!;
      k++;
    }
  }
  const df = Math.max(k - 1, 0);
  if (k < 2 || users === 0) return { chiSquare: 0, df, pValue: 1, mismatch: false };
  let chiSquare = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i]!;
    if (!(weight > 0)) continue;
    const expected = (weight / totalWeight) * users;
    const gap = counts[i]! - expected;
    chiSquare += (gap * gap) / expected;
  }
  const pValue = chiSquareSurvival(chiSquare, df);
  return { chiSquare, df, pValue, mismatch: pValue < SRM_THRESHOLD };
}

// --- Internal helpers ---

const WHAT = "srmTest input";

function check(counts: unknown, weights: unknown): void {
  if (!Array.isArray(counts)) throw ValidationError.field(["counts"], "must be an array", WHAT);
  if (!Array.isArray(weights)) throw ValidationError.field(["weights"], "must be an array", WHAT);
  if (counts.length !== weights.length) {
    throw ValidationError.field(
      ["weights"],
      `must have one weight per count (${weights.length} weights for ${counts.length} counts)`,
      WHAT,
    );
  }
  counts.forEach((count, i) => {
    if (typeof count !== "number" || !Number.isFinite(count) || count < 0) {
      throw ValidationError.field(["counts", i], "must be a non-negative finite number", WHAT);
    }
  });
  weights.forEach((weight, i) => {
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw ValidationError.field(["weights", i], "must be a non-negative finite number", WHAT);
    }
  });
}
