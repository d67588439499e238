import { describe, expect, it } from "vitest";
import {
  mergeSketches,
  SKETCH_RELATIVE_ERROR,
  type SketchBuckets,
  sketchBucket,
  sketchQuantile,
} from "../../src/stats/index.js";
import { seededNormal } from "../support/random.js";

// Latency-like values: lognormal with median e^3 ≈ 20 and sigma 1.2 (Box-Muller).
function lognormal(count: number, seed: number): number[] {
  const normal = seededNormal(seed);
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(Math.exp(3 + 1.2 * normal()));
  return values;
}

function sketchOf(values: number[]): SketchBuckets {
  const buckets: SketchBuckets = {};
  for (const value of values) {
    const id = sketchBucket(value);
    buckets[id] = (buckets[id] ?? 0) + 1;
  }
  return buckets;
}

describe("quantile sketch", () => {
  const values = lognormal(100_000, 42);
  const sorted = [...values].sort((a, b) => a - b);
  const buckets = sketchOf(values);

  it.each([0, 0.001, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1])(
    "q = %s is within 1% of the exact lower-rank quantile",
    (q) => {
      // The exact value at rank floor(q (n - 1)), as numpy.quantile(values, q, method="lower").
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      const estimate = sketchQuantile(buckets, q)!;
      expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR);
    },
  );

  it("merging two sketches equals the sketch of the union", () => {
    const more = lognormal(30_000, 7).map((value) => value * 3);
    const merged = mergeSketches(buckets, sketchOf(more));
    expect(merged).toEqual(sketchOf([...values, ...more]));
    const union = [...values, ...more].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = union[Math.floor(q * (union.length - 1))]!;
      expect(Math.abs(sketchQuantile(merged, q)! - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    expect(buckets).toEqual(sketchOf(values)); // the inputs are left untouched
  });

  it("keeps zero and negative values, and is null when empty", () => {
    const mixed = sketchOf([-5, 0, 0, 2, 10]);
    expect(sketchQuantile(mixed, 0)!).toBeCloseTo(-5, 1);
    expect(sketchQuantile(mixed, 0.25)).toBe(0);
    expect(Math.abs(sketchQuantile(mixed, 1)! - 10) / 10).toBeLessThanOrEqual(0.01);
    expect(sketchQuantile({}, 0.5)).toBeNull();
  });
});
