/**
 * A mergeable quantile sketch for log metrics (latency, tokens, cost), in the manner of
 * DDSketch: values fall into logarithmic buckets `gamma^(k-1) < |v| <= gamma^k` with
 * `gamma = (1 + a) / (1 - a)`, so every quantile it returns is within a relative error `a`
 * (1%) of a value that is really at that rank. Buckets are counters: stores keep them with
 * plain increments, sketches merge by adding counts, and reading costs O(buckets), not
 * O(values). About 1,000 buckets span 1e-3 to 1e6 for positive values.
 */

/** The relative accuracy of every quantile the sketch returns. */
export const SKETCH_RELATIVE_ERROR = 0.01;

const GAMMA = (1 + SKETCH_RELATIVE_ERROR) / (1 - SKETCH_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
// Magnitudes below this share the zero bucket: their relative error is meaningless anyway.
const MIN_MAGNITUDE = 1e-9;
// The relative slack of `sketchBucketBounds`, far above the rounding of Math.log.
const EDGE_SLACK = 1e-12;

/** Bucket counts by bucket id, as stores keep them. */
export type SketchBuckets = Record<string, number>;

/**
 * The bucket a value counts in: `"z"` for zero, `"p<k>"` for positive values, `"n<k>"` for
 * negative ones (k is an integer, negative below 1).
 *
 * @example
 * sketchBucket(123); // "p241"
 * sketchBucket(0); // "z"
 */
export function sketchBucket(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude < MIN_MAGNITUDE) return "z";
  const k = Math.ceil(Math.log(magnitude) / LOG_GAMMA);
  return value > 0 ? `p${k}` : `n${k}`;
}

/**
 * The value at quantile `q` (0 to 1) of the values counted in `buckets`, within
 * `SKETCH_RELATIVE_ERROR`; null when the sketch is empty. Uses the lower rank
 * `floor(q * (count - 1))`, as numpy's "lower" interpolation does.
 *
 * @example
 * sketchQuantile({ p241: 3, p250: 1 }, 0.5); // about 123
 */
export function sketchQuantile(buckets: SketchBuckets, q: number): number | null {
  const sorted = sortedBuckets(buckets);
  const count = sorted.reduce((total, bucket) => total + bucket.count, 0);
  if (count === 0) return null;
  const rank = Math.floor(Math.min(Math.max(q, 0), 1) * (count - 1));
  let seen = 0;
  for (const bucket of sorted) {
    seen += bucket.count;
    if (seen > rank) return bucket.value;
  }
  return sorted.at(-1)?.value ?? null;
}

/**
 * The values a bucket id holds, `[lowest, highest]` (ends included, so an interval built
 * from them contains every value of the bucket); null for an id `sketchBucket` never gives.
 *
 * @example
 * sketchBucketBounds("p1"); // [1, 1.0202] (a hair wider): 1 < v <= gamma
 * sketchBucketBounds("z"); // [-1e-9, 1e-9]
 */
export function sketchBucketBounds(id: string): [number, number] | null {
  if (id === "z") return [-MIN_MAGNITUDE, MIN_MAGNITUDE];
  if (!/^[pn]-?\d+$/.test(id)) return null;
  const k = Number(id.slice(1));
  // A hair wider: a value at an edge may fall in either bucket as its logarithm rounds.
  const low = GAMMA ** (k - 1) * (1 - EDGE_SLACK);
  const high = GAMMA ** k * (1 + EDGE_SLACK);
  return id[0] === "p" ? [low, high] : [-high, -low];
}

/** Adds `other`'s counts into a copy of `buckets`: the sketch of both sets of values. */
export function mergeSketches(buckets: SketchBuckets, other: SketchBuckets): SketchBuckets {
  const merged = { ...buckets };
  for (const [id, count] of Object.entries(other)) merged[id] = (merged[id] ?? 0) + count;
  return merged;
}

// --- Internal helpers ---

interface Bucket {
  value: number;
  count: number;
}

// The representative 2·gamma^k / (gamma + 1) is within the relative error of every value
// of its bucket.
function sortedBuckets(buckets: SketchBuckets): Bucket[] {
  const list: Bucket[] = [];
  for (const [id, count] of Object.entries(buckets)) {
    if (!(count > 0)) continue;
    if (id === "z") {
      list.push({ value: 0, count });
      continue;
    }
    const k = Number(id.slice(1));
    const magnitude = (2 * GAMMA ** k) / (GAMMA + 1);
    list.push({ value: id[0] === "n" ? -magnitude : magnitude, count });
  }
  return list.sort((a, b) => a.value - b.value);
}
