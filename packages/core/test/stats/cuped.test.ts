import { describe, expect, it } from "vitest";
import { type CupedSide, cupedTest, welchTest } from "../../src/stats/index.js";
import { seededNormal } from "../support/random.js";

// An arm of n users: x ~ N(0, 1) before exposure, y = mean + σ(ρx + √(1-ρ²)e) after.
function arm(n: number, mean: number, rho: number, normal: () => number): CupedSide {
  const side = { n, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 };
  const sigma = 3;
  for (let i = 0; i < n; i++) {
    const x = 5 + normal();
    const y = mean + sigma * (rho * (x - 5) + Math.sqrt(1 - rho * rho) * normal());
    side.sumY += y;
    side.sumY2 += y * y;
    side.sumX += x;
    side.sumX2 += x * x;
    side.sumXY += x * y;
  }
  return side;
}

const raw = (side: CupedSide) => ({ n: side.n, sum: side.sumY, sumSquares: side.sumY2 });
const width = (ci: [number, number] | null) => (ci ? ci[1] - ci[0] : Number.NaN);

describe("cupedTest", () => {
  it("matches welchTest when the covariate is unrelated to the outcome", () => {
    const normal = seededNormal(7);
    const control = arm(5000, 10, 0, normal);
    const treatment = arm(5000, 10.3, 0, normal);
    const cuped = cupedTest(control, treatment);
    const welch = welchTest(raw(control), raw(treatment));
    expect(Math.abs(cuped.theta ?? 1)).toBeLessThan(0.1);
    expect(Math.abs(cuped.varianceReduction ?? 1)).toBeLessThan(0.005);
    expect(width(cuped.absolute.ci) / width(welch.absolute.ci)).toBeCloseTo(1, 2);
    expect(cuped.absolute.estimate).toBeCloseTo(welch.absolute.estimate ?? 0, 1);
    expect(cuped.pValue).toBeCloseTo(welch.pValue ?? 0, 2);
  });

  it.each([0.5, 0.7, 0.9])("narrows the interval by √(1 - ρ²) with ρ = %s", (rho) => {
    const normal = seededNormal(Math.round(rho * 100));
    const control = arm(20_000, 10, rho, normal);
    const treatment = arm(20_000, 10.2, rho, normal);
    const cuped = cupedTest(control, treatment);
    const welch = welchTest(raw(control), raw(treatment));
    expect(cuped.theta).toBeCloseTo(3 * rho, 1); // σ ρ / σ_x with σ = 3, σ_x = 1
    expect(cuped.varianceReduction).toBeCloseTo(rho * rho, 1);
    const ratio = width(cuped.absolute.ci) / width(welch.absolute.ci);
    expect(Math.abs(ratio - Math.sqrt(1 - rho * rho))).toBeLessThan(0.02);
  });

  it("keeps 95% coverage of the true effect over repeated experiments", () => {
    const normal = seededNormal(2024);
    const runs = 600;
    let covered = 0;
    let narrower = 0;
    for (let run = 0; run < runs; run++) {
      const control = arm(400, 10, 0.6, normal);
      const treatment = arm(400, 10.5, 0.6, normal);
      const cuped = cupedTest(control, treatment);
      const [low, high] = cuped.absolute.ci ?? [0, 0];
      if (low <= 0.5 && 0.5 <= high) covered++;
      if (width(cuped.absolute.ci) < width(welchTest(raw(control), raw(treatment)).absolute.ci)) {
        narrower++;
      }
    }
    // 600 runs: a 95% interval covers 570 ± 11 (one binomial standard deviation: 5.3).
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
    expect(narrower).toBe(runs);
  });

  it("gives nulls instead of NaN without users or variance, and checks its input", () => {
    const empty = { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 };
    const one = { n: 1, sumY: 2, sumY2: 4, sumX: 1, sumX2: 1, sumXY: 2 };
    expect(cupedTest(empty, one)).toMatchObject({ absolute: { estimate: null }, pValue: null });
    expect(cupedTest(one, one)).toMatchObject({ absolute: { estimate: 0, ci: null }, se: null });
    expect(() => cupedTest({ ...one, sumX2: -1 }, one)).toThrow(/sumX2.*must not be negative/);
    expect(() => cupedTest(one, { ...one, sumXY: Number.NaN })).toThrow(/sumXY/);
    expect(() => cupedTest(one, one, { alpha: 2 })).toThrow(/alpha/);
  });
});

describe("cupedTest's relative effect", () => {
  // Over many seeded experiments: the spread of the relative estimate, the spread its
  // interval reports (half its width over the critical value) and how often it covers.
  function relativeSpread(rho: number, nControl: number, nTreatment: number, lift: number) {
    const normal = seededNormal(Math.round(rho * 1000) + nTreatment);
    const runs = 1500;
    const estimates: number[] = [];
    let reported = 0;
    let covered = 0;
    for (let run = 0; run < runs; run++) {
      const result = cupedTest(
        arm(nControl, 10, rho, normal),
        arm(nTreatment, 10 * lift, rho, normal),
      );
      const relative = result.relative;
      if (!relative?.ci) throw new Error("no relative interval");
      estimates.push(relative.estimate);
      reported += (relative.ci[1] - relative.ci[0]) / 2 / 1.96;
      if (relative.ci[0] <= lift - 1 && lift - 1 <= relative.ci[1]) covered++;
    }
    const mean = estimates.reduce((sum, value) => sum + value, 0) / runs;
    const variance = estimates.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (runs - 1);
    return { ratio: reported / runs / Math.sqrt(variance), coverage: covered / runs };
  }

  it.each([
    [1000, 1000, 1.5],
    [1800, 200, 1.5],
    [1000, 1000, 1.02],
  ])(
    "reports the spread it has at ρ = 0.95 (%i control, %i treatment users, lift %s)",
    (nControl, nTreatment, lift) => {
      const { ratio, coverage } = relativeSpread(0.95, nControl, nTreatment, lift);
      // 1500 runs: the empirical spread is known to ±1.8% (one standard deviation), the
      // coverage of a 95% interval to ±0.6%.
      expect(ratio).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.1);
      expect(coverage).toBeGreaterThan(0.93);
      expect(coverage).toBeLessThan(0.97);
    },
  );

  it("is null when the control's outcome is 0 for everyone, as without CUPED", () => {
    // The adjusted control mean is then -θ (x̄_c - x̄): a tiny number of either sign, and the
    // effect divided by it anything at all.
    const normal = seededNormal(5);
    const treatment = arm(1000, 10, 0.9, normal);
    const zeros = arm(1000, 0, 0.9, normal);
    const control = { ...zeros, sumY: 0, sumY2: 0, sumXY: 0 };
    const result = cupedTest(control, treatment);
    expect(result.absolute.estimate).toBeGreaterThan(9);
    expect(result.relative).toBeNull();
    expect(welchTest(raw(control), raw(treatment)).relative).toBeNull();
  });

  it("keeps the sign of the effect when the control's mean is negative", () => {
    const normal = seededNormal(6);
    const control = arm(2000, -5, 0.8, normal);
    const treatment = arm(2000, -10, 0.8, normal);
    const result = cupedTest(control, treatment);
    expect(result.relative?.estimate).toBeCloseTo(-1, 1);
    const [low, high] = result.relative?.ci ?? [0, 0];
    expect(high).toBeLessThan(0);
    expect(low).toBeLessThan(-1);
  });
});
