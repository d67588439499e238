/**
 * Intervals for a quantile of log metric values and for the difference of two variants'
 * quantiles, read from quantile sketches (see `sketch.ts`) without the values themselves.
 *
 * One variant: the distribution-free interval `[X_(l), X_(u)]` between two order
 * statistics, with ranks from the binomial distribution of how many values fall below the
 * true quantile (exact, no normal approximation), each end widened to the edge of the sketch
 * bucket that holds it so the sketch's rounding cannot shrink the interval. Two variants:
 * the MOVER combination of the two intervals (Zou & Donner 2008, the way Newcombe combines
 * two Wilson intervals, see `newcombeInterval`).
 */
import { ValidationError } from "../errors/ValidationError.js";
import { type SketchBuckets, sketchBucketBounds, sketchQuantile } from "./sketch.js";
import { regularizedIncompleteBeta } from "./special.js";
import type { Interval, TestOptions } from "./types.js";
import { checkAlpha } from "./validate.js";

/** A quantile, or a difference of two, with its interval. */
export interface QuantileEstimate {
  /** `sketchQuantile`'s value (treatment minus control for a difference); null when empty. */
  estimate: number | null;
  /** Null when a sketch holds too few values for the level (see `sketchQuantileInterval`). */
  ci: Interval | null;
}

/**
 * The quantile `q` of the values counted in `buckets` with a `1 - alpha` interval:
 *
 * - ranks: with `B ~ Binomial(n, q)` the number of values below the true quantile `ξ`,
 *   `l` is the smallest rank with `P(B <= l) > alpha / 2` and `u` is one more than the
 *   smallest rank with `P(B <= u - 1) >= 1 - alpha / 2`, so that
 *   `P(X_(l) <= ξ <= X_(u)) >= P(l <= B <= u - 1) >= 1 - alpha` for any continuous
 *   distribution (conservative: B is discrete);
 * - values: `X_(l)` and `X_(u)` are only known to their sketch bucket, so the interval runs
 *   from the lowest value of `X_(l)`'s bucket to the highest of `X_(u)`'s (up to 2% wider
 *   at each end), and contains `[X_(l), X_(u)]` whatever the values in the buckets.
 *
 * The interval is null when the sketch has too few values for ranks inside `1..n`: at
 * `alpha = 0.05`, fewer than 72 values for p95 (`0.95^n > 0.025`) and fewer than 6 for p50.
 *
 * @param buckets - a sketch (bucket id -> count)
 * @param q - the quantile, in (0, 1)
 * @param options - `alpha`, the two-sided level (0.05 by default)
 * @throws ValidationError when `q` is outside (0, 1) or `alpha` outside (0, 1)
 *
 * @example
 * // 100 values, one per bucket p1..p100 (1 < v <= 1.0202^k):
 * sketchQuantileInterval(sketch, 0.5); // { estimate: ≈1.0202^50, ci: [1.0202^39, 1.0202^61] }
 */
export function sketchQuantileInterval(
  buckets: SketchBuckets,
  q: number,
  options: TestOptions = {},
): QuantileEstimate {
  const alpha = checkAlpha(options.alpha, WHAT);
  checkQuantile(q);
  const estimate = sketchQuantile(buckets, q);
  const sorted = boundedBuckets(buckets);
  const n = sorted.reduce((total, bucket) => total + bucket.count, 0);
  if (estimate === null || n === 0) return { estimate, ci: null };
  const ranks = orderStatisticRanks(n, q, alpha);
  if (!ranks) return { estimate, ci: null };
  const lower = bucketAtRank(sorted, ranks[0]).low;
  const upper = bucketAtRank(sorted, ranks[1]).high;
  return { estimate, ci: [Math.min(lower, estimate), Math.max(upper, estimate)] };
}

/**
 * The difference `Q_t(q) - Q_c(q)` of the treatment's and the control's quantile `q`, with
 * the MOVER interval from each variant's `sketchQuantileInterval` `[l, u]` around its
 * estimate `θ`:
 * `[d - sqrt((θ_t - l_t)² + (u_c - θ_c)²), d + sqrt((u_t - θ_t)² + (θ_c - l_c)²)]`.
 * It assumes each variant's values independent draws, and each interval's half-widths close
 * to `z · se` on its side (large samples); it is then close to `1 - alpha`, somewhat wider
 * because each side's interval is conservative. Null estimate when a sketch is empty, null
 * interval when either variant's interval is null.
 *
 * @param control - the control's sketch
 * @param treatment - the treatment's sketch
 * @param q - the quantile, in (0, 1)
 * @param options - `alpha`, the two-sided level (0.05 by default)
 * @throws ValidationError when `q` or `alpha` is outside (0, 1)
 *
 * @example
 * quantileDifference(controlSketch, treatmentSketch, 0.95); // { estimate: 41.2, ci: [12.9, 70.4] }
 */
export function quantileDifference(
  control: SketchBuckets,
  treatment: SketchBuckets,
  q: number,
  options: TestOptions = {},
): QuantileEstimate {
  const c = sketchQuantileInterval(control, q, options);
  const t = sketchQuantileInterval(treatment, q, options);
  if (c.estimate === null || t.estimate === null) return { estimate: null, ci: null };
  const estimate = t.estimate - c.estimate;
  if (!c.ci || !t.ci) return { estimate, ci: null };
  return {
    estimate,
    ci: [
      estimate - Math.hypot(t.estimate - t.ci[0], c.ci[1] - c.estimate),
      estimate + Math.hypot(t.ci[1] - t.estimate, c.estimate - c.ci[0]),
    ],
  };
}

/**
 * The ranks `[l, u]` (1-based) of the order statistics bounding the quantile `q` of `n`
 * values at level `1 - alpha` (see `sketchQuantileInterval`), or null when one falls
 * outside `1..n`. Costs O(log n) binomial CDFs.
 *
 * @example
 * orderStatisticRanks(100, 0.5, 0.05); // [40, 61]
 */
export function orderStatisticRanks(n: number, q: number, alpha: number): [number, number] | null {
  const lower = smallestRank(n, (k) => binomialCdf(k, n, q) > alpha / 2);
  const upper = smallestRank(n, (k) => binomialCdf(k, n, q) >= 1 - alpha / 2) + 1;
  return lower >= 1 && upper <= n ? [lower, upper] : null;
}

// --- Internal helpers ---

const WHAT = "quantile interval input";

interface BoundedBucket {
  low: number;
  high: number;
  count: number;
}

function checkQuantile(q: number): void {
  if (typeof q !== "number" || !(q > 0 && q < 1)) {
    throw ValidationError.field(["q"], "must be a number between 0 and 1", WHAT);
  }
}

// Buckets with a count, ascending; ids no sketch gives are left out.
function boundedBuckets(buckets: SketchBuckets): BoundedBucket[] {
  const list: BoundedBucket[] = [];
  for (const [id, count] of Object.entries(buckets)) {
    const bounds = sketchBucketBounds(id);
    if (bounds && count > 0) list.push({ low: bounds[0], high: bounds[1], count });
  }
  return list.sort((a, b) => a.low - b.low);
}

// The bucket holding the value of rank `rank` (1-based) of the sorted values.
function bucketAtRank(sorted: BoundedBucket[], rank: number): BoundedBucket {
  let seen = 0;
  for (const bucket of sorted) {
    seen += bucket.count;
    if (seen >= rank) return bucket;
  }
  return sorted.at(-1) as BoundedBucket;
}

// The smallest k in 0..n for which `holds` (monotone, true at n), by bisection.
function smallestRank(n: number, holds: (k: number) => boolean): number {
  let low = 0;
  let high = n;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (holds(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

// P(B <= k) for B ~ Binomial(n, q): I_{1-q}(n - k, k + 1).
function binomialCdf(k: number, n: number, q: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regularizedIncompleteBeta(1 - q, n - k, k + 1);
}
