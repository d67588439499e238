import { describe, expect, it } from "vitest";
import { type RatioSide, ratioTest } from "../../src/stats/index.js";
import { seededNormal, seededRandom } from "../support/random.js";

// Users with 1 to 5 conversations, each of ~N(tokens, 30) tokens, plus a per-user level so
// numerator and denominator are correlated within a user.
function arm(n: number, tokens: number, seed: number): RatioSide {
  const uniform = seededRandom(seed);
  const normal = seededNormal(seed + 1);
  const side = {
    n,
    sumNumerator: 0,
    sumNumerator2: 0,
    sumDenominator: 0,
    sumDenominator2: 0,
    sumProducts: 0,
  };
  for (let i = 0; i < n; i++) {
    const conversations = 1 + Math.floor(uniform() * 5);
    const level = 20 * normal();
    let total = 0;
    for (let c = 0; c < conversations; c++) total += tokens + level + 30 * normal();
    side.sumNumerator += total;
    side.sumNumerator2 += total * total;
    side.sumDenominator += conversations;
    side.sumDenominator2 += conversations * conversations;
    side.sumProducts += total * conversations;
  }
  return side;
}

describe("ratioTest", () => {
  it("estimates each arm's ratio and the delta-method standard error", () => {
    // Two users: (N, D) = (10, 2) and (30, 4). R = 40 / 6.
    const side = {
      n: 2,
      sumNumerator: 40,
      sumNumerator2: 1000,
      sumDenominator: 6,
      sumDenominator2: 20,
      sumProducts: 140,
    };
    const result = ratioTest(side, side);
    const ratio = 40 / 6;
    // s²_N = 200, s²_D = 2, s_ND = 20, D̄ = 3: Var(R) = (200 - 2R·20 + R²·2) / (2 · 9).
    const variance = (200 - 2 * ratio * 20 + ratio * ratio * 2) / 18;
    expect(result.control.ratio).toBeCloseTo(ratio, 12);
    expect(result.control.se).toBeCloseTo(Math.sqrt(variance), 12);
    expect(result.absolute.estimate).toBe(0);
    expect(result.se).toBeCloseTo(Math.sqrt(2 * variance), 12);
  });

  it("covers the true difference of ratios in 95% of repeated experiments", () => {
    const runs = 400;
    let covered = 0;
    let relativeCovered = 0;
    for (let run = 0; run < runs; run++) {
      const result = ratioTest(arm(300, 100, run * 4), arm(300, 105, run * 4 + 2));
      const [low, high] = result.absolute.ci ?? [0, 0];
      if (low <= 5 && 5 <= high) covered++;
      const [rLow, rHigh] = result.relative?.ci ?? [0, 0];
      if (rLow <= 0.05 && 0.05 <= rHigh) relativeCovered++;
    }
    // 400 runs: 95% coverage is 380 ± 9 (two binomial standard deviations).
    expect(covered / runs).toBeGreaterThan(0.925);
    expect(covered / runs).toBeLessThan(0.975);
    expect(relativeCovered / runs).toBeGreaterThan(0.925);
  });

  it("gives nulls without users or with a zero denominator, and checks its input", () => {
    const empty = {
      n: 0,
      sumNumerator: 0,
      sumNumerator2: 0,
      sumDenominator: 0,
      sumDenominator2: 0,
      sumProducts: 0,
    };
    const some = { ...empty, n: 3, sumNumerator: 3, sumNumerator2: 5 };
    expect(ratioTest(empty, some)).toMatchObject({ absolute: { estimate: null }, pValue: null });
    expect(ratioTest(some, some).control.ratio).toBeNull();
    expect(() => ratioTest({ ...some, sumDenominator2: -1 }, some)).toThrow(/must not be negative/);
    expect(() => ratioTest(some, { ...some, n: 1.5 })).toThrow(/n/);
  });
});
