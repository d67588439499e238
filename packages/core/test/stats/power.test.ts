import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import {
  type DetectableEffectInput,
  detectableEffect,
  type PlanInput,
  planExperiment,
} from "../../src/stats/index.js";

// Reference values, computed independently of the code under test:
// - R's power.prop.test(p1 = 0.1, p2 = 0.12, power = 0.8) gives n = 3840.847 per group (the
//   pooled-null, unpooled-alternative formula without continuity correction), so 3,841;
// - the rest with Python's statistics.NormalDist().inv_cdf in the doc-comment formula
//   N = ((z_a s0 + z_b s1) / δ)²: 10% -> 12% at 90/10 gives 18690.35 and 2076.71 users;
//   a mean with sd 1 and δ 0.5 gives 2 (z_a + z_b)² / 0.25 = 62.791 per arm (Lehr's
//   "16 / Δ²" rule of thumb: 64); three arms at α/2 with sd 5 and δ 0.5 give 1901.007.

describe("planExperiment", () => {
  it("matches R's power.prop.test for 10% -> 12% at alpha 0.05 and power 0.8", () => {
    const plan = planExperiment({
      metric: "binomial",
      baseline: 0.1,
      mde: 0.02,
      mdeType: "absolute",
    });
    expect(plan.usersPerVariant).toEqual([3841, 3841]);
    expect(plan.totalUsers).toBe(7682);
    expect(plan.effect.absolute).toBeCloseTo(0.02, 12);
    expect(plan.effect.relative).toBeCloseTo(0.2, 12);
    expect(plan.days).toBeUndefined();
    // The same effect, relative to the baseline, is the same plan.
    expect(planExperiment({ metric: "binomial", baseline: 0.1, mde: 0.2 }).usersPerVariant).toEqual(
      [3841, 3841],
    );
  });

  it("gives each arm its share of an unequal split, the small arm setting the total", () => {
    const plan = planExperiment({
      metric: "binomial",
      baseline: 0.1,
      mde: 0.02,
      mdeType: "absolute",
      split: [90, 10],
    });
    expect(plan.usersPerVariant).toEqual([18691, 2077]);
    expect(plan.totalUsers).toBe(20768);
  });

  it("plans a mean metric from its standard deviation", () => {
    const plan = planExperiment({
      metric: "mean",
      baseline: 0,
      sd: 1,
      mde: 0.5,
      mdeType: "absolute",
    });
    expect(plan.usersPerVariant).toEqual([63, 63]);
    expect(plan.effect.relative).toBeNull();
  });

  it("splits alpha over the treatments (Bonferroni) and counts days at the daily traffic", () => {
    const plan = planExperiment({
      metric: "mean",
      baseline: 10,
      sd: 5,
      mde: 0.05,
      variants: 3,
      dailyUsers: 1000,
    });
    expect(plan.comparisons).toBe(2);
    expect(plan.alphaPerComparison).toBe(0.025);
    expect(plan.usersPerVariant).toEqual([1902, 1902, 1902]);
    expect(plan.days).toBe(6); // 5706 users at 1000 a day
  });

  it("needs fewer users the more variance CUPED removes", () => {
    const base = { metric: "mean", baseline: 0, sd: 1, mde: 0.5, mdeType: "absolute" } as const;
    // Half the variance, half the users: 62.791 / 2 = 31.4.
    expect(planExperiment({ ...base, varianceReduction: 0.5 }).usersPerVariant).toEqual([32, 32]);
  });

  it("needs more users for a stricter alpha or a higher power", () => {
    const base = { metric: "binomial", baseline: 0.1, mde: 0.1 } as const;
    const n = planExperiment(base).totalUsers;
    expect(planExperiment({ ...base, alpha: 0.01 }).totalUsers).toBeGreaterThan(n);
    expect(planExperiment({ ...base, power: 0.9 }).totalUsers).toBeGreaterThan(n);
  });

  it("plans a decrease like an increase of the mirrored rate", () => {
    const down = planExperiment({
      metric: "binomial",
      baseline: 0.12,
      mde: -0.02,
      mdeType: "absolute",
    });
    expect(down.usersPerVariant).toEqual([3841, 3841]);
    expect(down.effect.absolute).toBeCloseTo(-0.02, 12);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a rate of 0", { baseline: 0 }, "baseline: must be between 0 and 1"],
    ["a rate above 1", { baseline: 1.5 }, "baseline: must be between 0 and 1"],
    ["an mde of 0", { mde: 0 }, "mde: must not be 0"],
    ["a treated rate above 1", { mde: 9 }, "mde: must leave the treated rate between 0 and 1"],
    ["power 1", { power: 1 }, "power: must be between 0 and 1"],
    ["power 0", { power: 0 }, "power: must be between 0 and 1"],
    ["alpha 1.5", { alpha: 1.5 }, "alpha: must be between 0 and 1"],
    ["one variant", { variants: 1 }, "variants: must be at least 2"],
    [
      "a split of the wrong length",
      { variants: 2, split: [50, 25, 25] },
      "split: must have one weight per variant",
    ],
    ["a zero weight", { split: [100, 0] }, "split.1: must be a positive number"],
    ["varianceReduction 1", { varianceReduction: 1 }, "varianceReduction: must be less than 1"],
    ["an unknown metric", { metric: "count" }, "metric"],
    ["an unknown field", { extra: 1 }, "extra"],
    ["a NaN baseline", { baseline: Number.NaN }, "baseline"],
  ])("rejects %s with validation_failed", (_, change, message) => {
    const input = { metric: "binomial", baseline: 0.1, mde: 0.1, ...change } as PlanInput;
    const error = catchError(() => planExperiment(input));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "validation_failed" });
    expect((error as Error).message).toContain(message);
  });

  it("asks for sd on a mean metric and rejects a non-positive one", () => {
    const base = { metric: "mean", baseline: 5, mde: 0.1 } as const;
    expect(() => planExperiment(base)).toThrow(/sd: is required for a mean metric/);
    expect(() => planExperiment({ ...base, sd: 0 })).toThrow(/sd: must be a positive number/);
    expect(() => planExperiment({ ...base, sd: -2 })).toThrow(/sd: must be a positive number/);
    expect(() => planExperiment({ ...base, baseline: 0, sd: 1 })).toThrow(
      /mdeType: a relative mde/,
    );
  });
});

describe("detectableEffect", () => {
  it.each<PlanInput>([
    { metric: "binomial", baseline: 0.1, mde: 0.02, mdeType: "absolute" },
    { metric: "binomial", baseline: 0.01, mde: 0.3, split: [90, 10] },
    { metric: "binomial", baseline: 0.5, mde: -0.1, alpha: 0.01, power: 0.9, variants: 4 },
    { metric: "binomial", baseline: 0.03, mde: 0.15, varianceReduction: 0.3, split: [1, 2, 3] },
    { metric: "mean", baseline: 20, sd: 8, mde: 0.02, varianceReduction: 0.4 },
    { metric: "mean", baseline: -4, sd: 2, mde: 0.5, mdeType: "absolute", split: [80, 20] },
  ])("inverts planExperiment (%o)", (input) => {
    const plan = planExperiment(input);
    const { mde: _, mdeType: __, dailyUsers: ___, ...design } = input;
    const found = detectableEffect({ ...design, usersPerVariant: plan.usersPerVariant });
    const planned = Math.abs(plan.effect.absolute);
    // Rounding each arm up makes the detectable effect a hair smaller than the planned one.
    expect(found.absolute).not.toBeNull();
    expect(found.absolute ?? 0).toBeLessThanOrEqual(planned * (1 + 1e-9));
    expect(found.absolute ?? 0).toBeGreaterThan(planned * 0.99);
    // A decrease is planned as the mirrored increase; both are detectable at these users.
    if (plan.effect.absolute > 0) {
      expect(found.relative).toBeCloseTo(plan.effect.relative ?? 0, 2);
    }
  });

  it("splits totalUsers by the weights", () => {
    const byTotal = detectableEffect({ metric: "binomial", baseline: 0.1, totalUsers: 7681.69 });
    expect(byTotal.absolute).toBeCloseTo(0.02, 6);
    const mean = detectableEffect({ metric: "mean", baseline: 10, sd: 1, totalUsers: 125.58 });
    expect(mean.absolute).toBeCloseTo(0.5, 3);
    expect(mean.relative).toBeCloseTo(0.05, 4);
  });

  it("says null when no increase of the rate can be detected", () => {
    const found = detectableEffect({ metric: "binomial", baseline: 0.9, usersPerVariant: [2, 2] });
    expect(found).toMatchObject({ absolute: null, relative: null });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["neither count", {}, "usersPerVariant: give exactly one"],
    ["both counts", { totalUsers: 100, usersPerVariant: [50, 50] }, "give exactly one"],
    [
      "a count per arm missing",
      { variants: 3, usersPerVariant: [50, 50] },
      "one count per variant",
    ],
    ["one arm", { usersPerVariant: [50] }, "needs the control and at least one treatment"],
    ["a fractional count", { usersPerVariant: [50, 50.5] }, "usersPerVariant.1"],
    ["no users", { totalUsers: 0 }, "totalUsers: must be a positive number"],
  ])("rejects %s with validation_failed", (_, change, message) => {
    const input = { metric: "binomial", baseline: 0.1, ...change } as DetectableEffectInput;
    const error = catchError(() => detectableEffect(input));
    expect(error).toMatchObject({ code: "validation_failed" });
    expect((error as Error).message).toContain(message);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
