/** A variation's share of the hash space, half-open: `[start, end)`. */
export type BucketRange = [number, number];

/**
 * `n` equal weights summing to 1. `n` is truncated to an integer; below 1 gives `[]`.
 *
 * @example
 * getEqualWeights(4); // [0.25, 0.25, 0.25, 0.25]
 * getEqualWeights(0); // []
 */
export function getEqualWeights(n: number): number[] {
  const count = Math.floor(n);
  if (!(count >= 1)) return [];
  return new Array<number>(count).fill(1 / count);
}

function isUsable(weights: readonly number[] | null | undefined, numVariations: number): boolean {
  if (!weights || weights.length !== numVariations) return false;
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  // The 1% tolerance absorbs rounding in hand-written weights such as 0.33/0.33/0.34.
  return total >= 0.99 && total <= 1.01;
}

/**
 * Splits the hash space [0, 1) into one range per variation, as GrowthBook does. Variation `i`
 * starts at the sum of the weights before it and covers `coverage * weights[i]` of the space;
 * the rest of its slot belongs to no variation, so entities hashed there are not in the
 * experiment. Raising coverage later only widens ranges, so nobody changes variation.
 *
 * @param numVariations - how many variations the experiment has
 * @param coverage - share of entities included, clamped to [0, 1] (NaN counts as 0)
 * @param weights - fractions summing to 1 (within 0.99..1.01), one per variation; missing or
 *   invalid weights fall back to equal weights
 * @returns one `[start, end)` range per variation
 *
 * @example
 * getBucketRanges(2, 1); // [[0, 0.5], [0.5, 1]]
 * getBucketRanges(2, 0.5); // [[0, 0.25], [0.5, 0.75]]
 * getBucketRanges(3, 1, [0.2, 0.3, 0.5]); // [[0, 0.2], [0.2, 0.5], [0.5, 1]]
 */
export function getBucketRanges(
  numVariations: number,
  coverage = 1,
  weights?: readonly number[] | null,
): BucketRange[] {
  // NaN fails `>= 0` and so counts as no coverage.
  const share = coverage >= 0 ? Math.min(coverage, 1) : 0;
  const used = isUsable(weights, numVariations) ? weights! : getEqualWeights(numVariations);
  const ranges: BucketRange[] = new Array(used.length);
  let cumulative = 0;
  for (let i = 0; i < used.length; i++) {
    const weight = used[i]!;
    const start = cumulative;
    cumulative += weight;
    ranges[i] = [start, start + share * weight];
  }
  return ranges;
}

/**
 * The index of the range containing `n` (ranges are half-open `[start, end)`), or -1 when `n`
 * is in none, meaning the entity is outside the experiment's coverage.
 *
 * @example
 * chooseVariation(0.6, [[0, 0.5], [0.5, 1]]); // 1
 * chooseVariation(0.4, [[0, 0.25], [0.5, 0.75]]); // -1
 */
export function chooseVariation(n: number, ranges: ReadonlyArray<Readonly<BucketRange>>): number {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    if (n >= range[0] && n < range[1]) return i;
  }
  return -1;
}
