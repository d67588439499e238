import { describe, expect, it } from "vitest";
import {
  normalQuantile,
  orderStatisticRanks,
  quantileDifference,
  type SketchBuckets,
  sketchBucket,
  sketchBucketBounds,
  sketchQuantileInterval,
} from "../../src/stats/index.js";
import { seededRandom, standardNormal } from "../../src/stats/random.js";

const GAMMA = 1.01 / 0.99; // the sketch's bucket ratio, (1 + a) / (1 - a) with a = 1%

function sketchOf(values: number[]): SketchBuckets {
  const buckets: SketchBuckets = {};
  for (const value of values) {
    const id = sketchBucket(value);
    buckets[id] = (buckets[id] ?? 0) + 1;
  }
  return buckets;
}

// One value in each bucket p1..p100: the value of rank r is in bucket p<r>, which holds
// (GAMMA^(r-1), GAMMA^r].
const hundred: SketchBuckets = Object.fromEntries(
  Array.from({ length: 100 }, (_, i) => [`p${i + 1}`, 1]),
);
// The bucket's representative, 2·GAMMA^k / (GAMMA + 1).
const representative = (k: number) => (2 * GAMMA ** k) / (GAMMA + 1);

describe("sketchBucketBounds", () => {
  it("holds every value sketchBucket puts in the bucket, and nothing for other ids", () => {
    const next = seededRandom(3);
    for (let i = 0; i < 2000; i++) {
      const value = (next() < 0.5 ? -1 : 1) * Math.exp(30 * (next() - 0.5));
      const [low, high] = sketchBucketBounds(sketchBucket(value))!;
      expect(low).toBeLessThanOrEqual(value);
      expect(value).toBeLessThanOrEqual(high);
      const magnitudes = [Math.abs(low), Math.abs(high)];
      expect(Math.max(...magnitudes) / Math.min(...magnitudes)).toBeCloseTo(GAMMA, 10);
    }
    const close = (bounds: [number, number] | null, expected: [number, number]) => {
      expect(bounds?.[0]).toBeCloseTo(expected[0], 10);
      expect(bounds?.[1]).toBeCloseTo(expected[1], 10);
    };
    close(sketchBucketBounds("p1"), [1, GAMMA]);
    close(sketchBucketBounds("n1"), [-GAMMA, -1]);
    for (const id of ["p", "x1", "p1.5", "bucket"]) expect(sketchBucketBounds(id)).toBeNull();
  });
});

describe("orderStatisticRanks", () => {
  // From scipy.stats.binom(n, q).cdf over k = 0..n: l = the smallest k with cdf(k) > alpha/2,
  // u = 1 + the smallest k with cdf(k) >= 1 - alpha/2 (scipy 1.17).
  it.each([
    [100, 0.5, 0.05, [40, 61]],
    [20, 0.5, 0.05, [6, 15]],
    [6, 0.5, 0.05, [1, 6]],
    [72, 0.95, 0.05, [64, 72]],
    [500, 0.95, 0.05, [465, 485]],
    [1000, 0.95, 0.05, [936, 964]],
    [4500, 0.95, 0.05, [4246, 4304]],
    [200, 0.9, 0.1, [173, 188]],
  ])("n = %i, q = %s, alpha = %s gives the exact binomial ranks %j", (n, q, alpha, ranks) => {
    expect(orderStatisticRanks(n, q, alpha)).toEqual(ranks);
  });

  it("is null when a rank would fall outside 1..n (too few values for the level)", () => {
    // 0.95^71 = 0.0262 > 0.025: even the largest value is below p95 too often.
    expect(orderStatisticRanks(71, 0.95, 0.05)).toBeNull();
    expect(orderStatisticRanks(5, 0.5, 0.05)).toBeNull(); // 0.5^5 = 0.031 > 0.025
  });
});

describe("sketchQuantileInterval", () => {
  it("bounds the quantile by the edges of the buckets of the order statistics (hand-worked)", () => {
    // Median of 100 values: estimate at rank floor(0.5 · 99) + 1 = 50, interval ranks 40
    // and 61 (see above): from bucket p40's lowest value GAMMA^39 to p61's highest GAMMA^61.
    const { estimate, ci } = sketchQuantileInterval(hundred, 0.5);
    expect(estimate).toBeCloseTo(representative(50), 10);
    expect(ci?.[0]).toBeCloseTo(GAMMA ** 39, 10);
    expect(ci?.[1]).toBeCloseTo(GAMMA ** 61, 10);
  });

  it("maps ranks through cumulative bucket counts (hand-worked, repeated buckets)", () => {
    // 20 values: 5 in p10, 10 in p20, 5 in p30. Median ranks 6 and 15 (scipy, above): rank
    // 6 is the first of p20, rank 15 the last of p20; estimate rank floor(0.5 · 19) + 1 = 10.
    const { estimate, ci } = sketchQuantileInterval({ p30: 5, p10: 5, p20: 10 }, 0.5);
    expect(estimate).toBeCloseTo(representative(20), 10);
    expect(ci?.[0]).toBeCloseTo(GAMMA ** 19, 10);
    expect(ci?.[1]).toBeCloseTo(GAMMA ** 20, 10);
  });

  it("handles zero and negative buckets, whose edges mirror the positive ones", () => {
    // 20 values: 8 in n5 ([-GAMMA^5, -GAMMA^4]), 4 zeros, 8 in p5. Ranks 6 and 15.
    const { ci } = sketchQuantileInterval({ n5: 8, z: 4, p5: 8 }, 0.5);
    expect(ci?.[0]).toBeCloseTo(-(GAMMA ** 5), 10);
    expect(ci?.[1]).toBeCloseTo(GAMMA ** 5, 10);
  });

  it("contains the exact order statistics [X_(l), X_(u)] of the values the sketch counted", () => {
    const next = seededRandom(7);
    for (let run = 0; run < 50; run++) {
      const values = Array.from({ length: 300 }, () => Math.exp(5 + standardNormal(next)));
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0.5, 0.95]) {
        const [l, u] = orderStatisticRanks(300, q, 0.05)!;
        const { ci } = sketchQuantileInterval(sketchOf(values), q);
        expect(ci![0]).toBeLessThanOrEqual(sorted[l - 1]!);
        expect(ci![1]).toBeGreaterThanOrEqual(sorted[u - 1]!);
      }
    }
  });

  it("gives the estimate without an interval when the sketch is too small, nothing when empty", () => {
    const small = sketchOf(Array.from({ length: 71 }, (_, i) => i + 1));
    expect(sketchQuantileInterval(small, 0.95).estimate).not.toBeNull();
    expect(sketchQuantileInterval(small, 0.95).ci).toBeNull();
    expect(sketchQuantileInterval({}, 0.5)).toEqual({ estimate: null, ci: null });
  });

  it("rejects a quantile or alpha outside (0, 1)", () => {
    for (const q of [0, 1, -0.5, Number.NaN]) {
      expect(() => sketchQuantileInterval(hundred, q)).toThrow(/q/);
    }
    expect(() => sketchQuantileInterval(hundred, 0.5, { alpha: 1 })).toThrow(/alpha/);
  });
});

describe("quantileDifference", () => {
  it("combines the two intervals by MOVER (hand-worked)", () => {
    // Control: `hundred`, median θ_c = rep(50) in [GAMMA^39, GAMMA^61]. Treatment: the same
    // shifted by 10 buckets, θ_t = rep(60) in [GAMMA^49, GAMMA^71].
    const shifted = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i + 11}`, 1]));
    const { estimate, ci } = quantileDifference(hundred, shifted, 0.5);
    const [thetaC, thetaT] = [representative(50), representative(60)];
    const d = thetaT - thetaC;
    expect(estimate).toBeCloseTo(d, 10);
    expect(ci?.[0]).toBeCloseTo(
      d - Math.sqrt((thetaT - GAMMA ** 49) ** 2 + (GAMMA ** 61 - thetaC) ** 2),
      10,
    );
    expect(ci?.[1]).toBeCloseTo(
      d + Math.sqrt((GAMMA ** 71 - thetaT) ** 2 + (thetaC - GAMMA ** 39) ** 2),
      10,
    );
  });

  it("gives no estimate with an empty sketch and no interval with a small one", () => {
    expect(quantileDifference({}, hundred, 0.5)).toEqual({ estimate: null, ci: null });
    const small = sketchOf(Array.from({ length: 50 }, (_, i) => i + 1));
    const result = quantileDifference(hundred, small, 0.95);
    expect(result.estimate).not.toBeNull();
    expect(result.ci).toBeNull();
  });

  // Latencies lognormal (median 800 ms in the control, 880 in the treatment, sigma 0.5), 90%
  // of executions in the control. Conservative: each side's order-statistic interval is
  // (binomial discreteness), and the bucket edges add up to 2% of the value at each end,
  // which matters more as the statistical width shrinks (coverage over 4,000 seeds in
  // docs/statistics.md, "Log metrics compared").
  const MU_C = Math.log(800);
  const MU_T = Math.log(880);
  const SIGMA = 0.5;
  const quantileOf = (mu: number, q: number) => Math.exp(mu + SIGMA * normalQuantile(q));
  const latencies = (n: number, mu: number, next: () => number) =>
    sketchOf(Array.from({ length: n }, () => Math.exp(mu + SIGMA * standardNormal(next))));
  // The large-sample standard deviation of a sample quantile, sqrt(q (1 - q) / n) / f(ξ_q),
  // with the lognormal density f(x) = φ(z_q) / (x σ) at ξ_q = e^(mu + σ z_q).
  const quantileSd = (mu: number, q: number, n: number) => {
    const z = normalQuantile(q);
    const density = Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI) / (quantileOf(mu, q) * SIGMA);
    return Math.sqrt((q * (1 - q)) / n) / density;
  };

  function simulate(total: number, q: number, seed: number, runs: number) {
    const truth = quantileOf(MU_T, q) - quantileOf(MU_C, q);
    let covered = 0;
    let missing = 0;
    let width = 0;
    for (let run = 0; run < runs; run++) {
      const next = seededRandom(seed + run);
      const control = latencies(total * 0.9, MU_C, next);
      const treatment = latencies(total * 0.1, MU_T, next);
      const { ci } = quantileDifference(control, treatment, q);
      if (!ci) {
        missing++;
        continue;
      }
      width += ci[1] - ci[0];
      if (ci[0] <= truth && truth <= ci[1]) covered++;
    }
    const normalWidth =
      2 *
      normalQuantile(0.975) *
      Math.hypot(quantileSd(MU_C, q, total * 0.9), quantileSd(MU_T, q, total * 0.1));
    const given = runs - missing;
    return { coverage: covered / given, missing, widthRatio: width / given / normalWidth };
  }

  // 400 runs each: a binomial standard error near 1.1 points at 95%.
  it.each([
    [1000, 0.5, 1.35],
    [1000, 0.95, 2.2], // 100 treatment executions: u is the largest, the interval skewed wide
    [5000, 0.5, 1.4],
    [5000, 0.95, 1.4],
  ])(
    "%i executions split 90/10, quantile %s: the difference's 95 percent interval covers the truth in 93-99.9 percent of runs, at most %s times the large-sample width",
    (total, q, maxWidthRatio) => {
      const { coverage, missing, widthRatio } = simulate(total, q, 10_000, 400);
      expect(missing).toBe(0);
      expect(coverage).toBeGreaterThanOrEqual(0.93);
      expect(coverage).toBeLessThanOrEqual(0.999);
      expect(widthRatio).toBeLessThan(maxWidthRatio);
    },
    60_000,
  );

  it("with 200 executions split 90/10, gives p50 intervals that cover and no p95 interval (20 < 72)", () => {
    expect(simulate(200, 0.5, 20_000, 400).coverage).toBeGreaterThanOrEqual(0.93);
    expect(simulate(200, 0.95, 20_000, 50).missing).toBe(50);
  }, 60_000);

  it("covers a zero difference as often when both variants draw from one distribution", () => {
    const runs = 400;
    let covered = 0;
    for (let run = 0; run < runs; run++) {
      const next = seededRandom(30_000 + run);
      const { ci } = quantileDifference(
        latencies(1800, MU_C, next),
        latencies(200, MU_C, next),
        0.95,
      );
      if (ci && ci[0] <= 0 && 0 <= ci[1]) covered++;
    }
    expect(covered / runs).toBeGreaterThanOrEqual(0.93);
    expect(covered / runs).toBeLessThanOrEqual(0.999);
  }, 60_000);
});
