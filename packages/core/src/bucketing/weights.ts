import { getEqualWeights } from "./ranges.js";

/**
 * Converts percentages (summing to 100) into the fractions GrowthBook would be given for the
 * same split, so that `getBucketRanges` draws the very same range edges:
 *
 * - all-equal weights (50/50, three times 100/3) give `getEqualWeights(n)`, GrowthBook's
 *   default when an experiment names no weights;
 * - any other percentage `p` gives the number its decimal literal means once divided by 100
 *   (2.6 gives `0.026`, 33.33 gives `0.3333`). Dividing in floating point would not:
 *   `2.6 / 100` is `0.026000000000000002`, which moves the edge past the hash value `0.026`
 *   and hands that bucket to the other variant.
 *
 * Runs once per compiled definition, never per evaluation.
 *
 * @param percentages - one weight per variant, in percent
 * @returns one fraction per variant
 *
 * @example
 * weightFractions([2.6, 97.4]); // [0.026, 0.974]
 * weightFractions([100 / 3, 100 / 3, 100 / 3]); // getEqualWeights(3)
 */
export function weightFractions(percentages: readonly number[]): number[] {
  if (percentages.length > 0 && percentages.every((weight) => weight === percentages[0])) {
    return getEqualWeights(percentages.length);
  }
  return percentages.map(percentToFraction);
}

/**
 * `percent / 100` as the decimal literal would read: the shortest decimal that prints `percent`
 * (its `String`), with the decimal exponent lowered by two, parsed once (correctly rounded).
 *
 * @example
 * percentToFraction(2.6); // 0.026 (not 0.026000000000000002)
 * percentToFraction(1e-7); // 1e-9
 */
export function percentToFraction(percent: number): number {
  if (!Number.isFinite(percent)) return percent / 100;
  const text = String(percent);
  const e = text.indexOf("e");
  if (e < 0) return Number(`${text}e-2`);
  return Number(`${text.slice(0, e)}e${Number(text.slice(e + 1)) - 2}`);
}
