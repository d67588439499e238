/**
 * Mean and sample variance from per-user sufficient statistics `{ n, sum, sumSquares }`.
 * The variance numerator `sumSquares - sum² / n` is computed as `(n · sumSquares - sum²) / n`
 * with error-free products and sums (Dekker's double-double arithmetic), so that nothing is
 * lost to cancellation when the spread is tiny next to the mean: the result is as exact as
 * the inputs themselves.
 */
import type { MeanSide } from "./types.js";

/**
 * `sum / n`, or null when `n = 0`.
 *
 * @example
 * sampleMean({ n: 4, sum: 10, sumSquares: 30 }); // 2.5
 */
export function sampleMean(side: MeanSide): number | null {
  return side.n > 0 ? side.sum / side.n : null;
}

/**
 * The sample variance `(sumSquares - sum² / n) / (n - 1)`, or null when `n < 2` (or the
 * inputs are so large that their squares overflow). Never
 * negative: a numerator below zero can only come from rounding in the inputs and is read
 * as 0.
 *
 * @example
 * sampleVariance({ n: 4, sum: 10, sumSquares: 30 }); // 1.6666666666666667
 * // Values 1e7 and 1e7 + 1, 40 of each: exactly 0.25 * 80 / 79.
 * sampleVariance({ n: 80, sum: 800000040, sumSquares: 8000000800000040 }); // 0.25316455696202533
 */
export function sampleVariance(side: MeanSide): number | null {
  const variance = sampleCovariance(side.n, side.sum, side.sum, side.sumSquares);
  return variance === null ? null : Math.max(variance, 0);
}

/**
 * The sample covariance `(Σab - Σa Σb / n) / (n - 1)` of paired per-user values, from their
 * sums and the sum of their products, computed like `sampleVariance` (which is the case
 * a = b) so cancellation loses nothing. Null when `n < 2` or the inputs overflow.
 *
 * @example
 * // Pairs (1, 2), (2, 4), (3, 7):
 * sampleCovariance(3, 6, 13, 31); // 2.5
 */
export function sampleCovariance(
  n: number,
  sumA: number,
  sumB: number,
  sumProducts: number,
): number | null {
  if (!(n >= 2)) return null;
  const [nsp, nspError] = twoProduct(n, sumProducts);
  const [ab, abError] = twoProduct(sumA, sumB);
  const [difference, differenceError] = twoSum(nsp, -ab);
  let scaled = difference + (differenceError + nspError - abError); // n * numerator
  // Beyond ~1e150 the split below overflows; plain arithmetic is all there is.
  if (!Number.isFinite(scaled)) scaled = n * (sumProducts - sumA * (sumB / n));
  const covariance = scaled / n / (n - 1);
  return Number.isNaN(covariance) ? null : covariance; // NaN: inputs beyond ~1e154
}

// --- Internal helpers ---

const SPLITTER = 134217729; // 2^27 + 1

// a + b = s + e exactly (Knuth).
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bv = s - a;
  const av = s - bv;
  return [s, a - av + (b - bv)];
}

// a * b = p + e exactly (Dekker, with Veltkamp's split).
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [aHi, aLo] = split(a);
  const [bHi, bLo] = split(b);
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

function split(a: number): [number, number] {
  const c = SPLITTER * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}
