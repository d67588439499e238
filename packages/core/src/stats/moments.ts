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
  const { n, sum, sumSquares } = side;
  if (!(n >= 2)) return null;
  const [nss, nssError] = twoProduct(n, sumSquares);
  const [sq, sqError] = twoProduct(sum, sum);
  const [difference, differenceError] = twoSum(nss, -sq);
  let scaled = difference + (differenceError + nssError - sqError); // n * numerator
  // Beyond ~1e150 the split below overflows; plain arithmetic is all there is.
  if (!Number.isFinite(scaled)) scaled = n * (sumSquares - sum * (sum / n));
  const variance = scaled / n / (n - 1);
  if (Number.isNaN(variance)) return null; // inputs beyond ~1e154 overflowed
  return Math.max(variance, 0);
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
