import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import type { Experiment, ExperimentPlan } from "../../src/schema/experiment.js";
import { proportionSequentialInterval } from "../../src/stats/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import type { ExperimentAggregates } from "../../src/store.js";
import { runningExperiment } from "../support/experiment.js";

// z quantiles written out, so the sizes below do not go through the code under test:
// Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.8) = 0.841621.
const Z_975 = 1.959964;
const Z_80 = 0.841621;

const PLAN: ExperimentPlan = { mde: 0.2, mdeScale: "relative", power: 0.8 };

// A binomial arm: `users` exposed, `converted` of them with an event.
const rate = (converted: number) => ({
  events: converted,
  sum: converted,
  sumSquares: converted,
  entities: converted,
});

// Two 50/50 arms A (control) and B with a primary binomial thumbs_up.
function binomialResults(
  arms: Record<string, [users: number, converted: number]>,
  overrides: Partial<Experiment> = {},
  extra: Partial<ExperimentAggregates> = {},
) {
  const aggregates: ExperimentAggregates = {
    ...emptyAggregates(),
    exposures: Object.fromEntries(Object.entries(arms).map(([key, [users]]) => [key, users])),
    metrics: {
      thumbs_up: Object.fromEntries(
        Object.entries(arms).map(([key, [, converted]]) => [key, rate(converted)]),
      ),
    },
    ...extra,
  };
  return buildResults(runningExperiment(overrides), aggregates, {}, 0.05);
}

// Users per arm of R's power.prop.test (no continuity correction) at 50/50, worked by hand:
// n = (z_a sqrt(2 p̄ q̄) + z_b sqrt(p1 q1 + p2 q2))² / δ², rounded up.
function powerPropTest(p1: number, p2: number): number {
  const pooled = (p1 + p2) / 2;
  const spread =
    Z_975 * Math.sqrt(2 * pooled * (1 - pooled)) + Z_80 * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((spread / (p2 - p1)) ** 2);
}

describe("experiment verdict", () => {
  it("says srm first: an exposure split off the weights distrusts even a clear winner", () => {
    // 5,300 / 4,700 on 50/50 weights: chi-square 36, p = 2e-9; B converts far better.
    const results = binomialResults({ A: [5300, 530], B: [4700, 800] });
    expect(results.srm?.mismatch).toBe(true);
    expect(results.verdict).toMatchObject({ kind: "srm", variantKey: null, metric: null });
    expect(results.verdict.summary).toContain("A 5,300, B 4,700");
    expect(results.verdict.rule).toMatch(/sample ratio mismatch/i);
  });

  it("says guardrail-harm for a treatment that breaks a guardrail, before a win", () => {
    const results = binomialResults(
      { A: [10_000, 1000], B: [10_000, 1300] },
      {
        metrics: [
          { name: "thumbs_up", kind: "binomial", primary: true },
          { name: "errors", kind: "binomial", primary: false, guardrail: guard },
        ],
      },
      {},
    );
    // Without errors tracked there is no harm: B ships.
    expect(results.verdict.kind).toBe("ship");
    const harmed = buildResults(
      runningExperiment({
        metrics: [
          { name: "thumbs_up", kind: "binomial", primary: true },
          { name: "errors", kind: "binomial", primary: false, guardrail: guard },
        ],
      }),
      {
        ...emptyAggregates(),
        exposures: { A: 10_000, B: 10_000 },
        metrics: {
          thumbs_up: { A: rate(1000), B: rate(1300) },
          errors: { A: rate(100), B: rate(300) },
        },
      },
      {},
      0.05,
    );
    expect(harmed.guardrailViolations.map((entry) => entry.variantKey)).toEqual(["B"]);
    expect(harmed.verdict).toMatchObject({
      kind: "guardrail-harm",
      variantKey: "B",
      metric: "errors",
      usersNeeded: null,
    });
    expect(harmed.verdict.summary).toContain("+2.00 pp (+200.0%)");
    expect(harmed.metrics[1]?.verdict).toMatchObject({ kind: "guardrail-harm", variantKey: "B" });
    // The primary metric's own verdict still says what it sees.
    expect(harmed.metrics[0]?.verdict).toMatchObject({ kind: "better", variantKey: "B" });
  });

  it("keeps running and asks for a primary metric when there is none", () => {
    const results = binomialResults(
      { A: [10_000, 1000], B: [10_000, 1300] },
      { metrics: [{ name: "thumbs_up", kind: "binomial", primary: false }] },
    );
    expect(results.verdict).toMatchObject({
      kind: "keep-running",
      metric: null,
      usersNeeded: null,
    });
    expect(results.verdict.summary).toMatch(/primary/);
    // The metric has its own verdict all the same.
    expect(results.metrics[0]?.verdict.kind).toBe("better");
  });

  it("ships on the always-valid interval without a plan, quoting it", () => {
    // 10% against 12%, 10,000 users per arm: the always-valid interval excludes 0.
    const results = binomialResults({ A: [10_000, 1000], B: [10_000, 1200] });
    const ci = proportionSequentialInterval(
      { n: 10_000, conversions: 1000 },
      { n: 10_000, conversions: 1200 },
    )?.ci;
    expect(ci?.[0]).toBeGreaterThan(0);
    expect(results.verdict).toMatchObject({
      kind: "ship",
      variantKey: "B",
      metric: "thumbs_up",
      interval: "always-valid",
      usersNeeded: 0,
    });
    const bound = (value: number) => `${value > 0 ? "+" : ""}${(value * 100).toFixed(2)}`;
    expect(results.verdict.summary).toBe(
      `Ship B: thumbs_up +2.00 pp (+20.0%), always-valid 95% CI ${bound(ci![0])} to ${bound(ci![1])} pp, 20,000 users.`,
    );
  });

  it("reads the fixed interval only from the planned size on", () => {
    // 10.0% against 11.5%, 4,000 per arm: p = 0.030, but the always-valid interval
    // [-0.6, +3.6] pp still holds 0. The plan (+20% of 10%) needs 3,841 per arm (R:
    // power.prop.test(p1 = 0.1, p2 = 0.12) gives n = 3840.8), so 8,000 users reach it.
    expect(powerPropTest(0.1, 0.12)).toBe(3841);
    const arms = { A: [4000, 400], B: [4000, 460] } satisfies Record<string, [number, number]>;
    const unplanned = binomialResults(arms);
    expect(unplanned.verdict).toMatchObject({
      kind: "keep-running",
      interval: "always-valid",
      usersNeeded: null,
    });
    expect(unplanned.verdict.summary).toMatch(/set a plan/);
    const planned = binomialResults(arms, { plan: PLAN });
    expect(planned.verdict).toMatchObject({ kind: "ship", variantKey: "B", interval: "fixed" });
    expect(planned.verdict.summary).toContain("fixed 95% CI");
    expect(planned.verdict.summary).toContain("adjusted p = 0.030");
    expect(planned.metrics[0]?.verdict).toMatchObject({ kind: "better", variantKey: "B" });
  });

  it("keeps running before the planned size with the users still needed, and the days", () => {
    // Control at 10%, plan +20%: 2 × 3,841 = 7,682 users; 2,000 so far leaves 5,682, which
    // at 1,000 users a day is 6 days.
    const results = binomialResults(
      { A: [1000, 100], B: [1000, 105] },
      { plan: { ...PLAN, dailyUsers: 1000 } },
    );
    expect(results.verdict).toMatchObject({
      kind: "keep-running",
      interval: "always-valid",
      usersNeeded: 2 * powerPropTest(0.1, 0.12) - 2000,
    });
    expect(results.verdict.usersNeeded).toBe(5682);
    expect(results.verdict.summary).toContain("5,682 more of the 7,682 planned");
    expect(results.verdict.summary).toContain("about 6 days at 1,000 a day");
    expect(results.metrics[0]?.verdict.kind).toBe("keep-running");
  });

  it("says no-detectable-effect, not keep running, once an inconclusive experiment is stopped", () => {
    const arms: Record<string, [number, number]> = { A: [1000, 100], B: [1000, 105] };
    const stopped = binomialResults(arms, { plan: PLAN, status: "stopped" });
    expect(stopped.verdict).toMatchObject({
      kind: "no-detectable-effect",
      interval: "always-valid",
      usersNeeded: 5682,
    });
    expect(stopped.verdict.rule).toMatch(/stopped before/i);
    expect(stopped.verdict.summary).toMatch(/^Stopped before a conclusion: thumbs_up/);
    // A stopped experiment with a clear winner still ships it.
    const winner = binomialResults({ A: [10_000, 1000], B: [10_000, 1300] }, { status: "stopped" });
    expect(winner.verdict.kind).toBe("ship");
  });

  it("plans a lower-is-better rate for a decrease", () => {
    // 10% down to 8%: power.prop.test(p1 = 0.1, p2 = 0.08) gives n = 3212.9 -> 3,213 per arm.
    expect(powerPropTest(0.1, 0.08)).toBe(3213);
    const results = binomialResults(
      { A: [1000, 100], B: [1000, 100] },
      {
        plan: PLAN,
        metrics: [{ name: "thumbs_up", kind: "binomial", primary: true, direction: "lower" }],
      },
    );
    expect(results.verdict.usersNeeded).toBe(2 * 3213 - 2000);
  });

  it("says no-detectable-effect at the planned size when no interval excludes 0", () => {
    const results = binomialResults({ A: [4000, 400], B: [4000, 410] }, { plan: PLAN });
    expect(results.verdict).toMatchObject({
      kind: "no-detectable-effect",
      variantKey: null,
      interval: "fixed",
      usersNeeded: 0,
    });
    expect(results.verdict.summary).toContain("at 8,000 of the 7,682 users planned");
    expect(results.metrics[0]?.verdict.kind).toBe("no-detectable-effect");
  });

  it("ships the control when every treatment is worse, and names the best of several winners", () => {
    const worse = binomialResults({ A: [10_000, 1200], B: [10_000, 1000] });
    expect(worse.verdict).toMatchObject({ kind: "ship", variantKey: "A" });
    expect(worse.verdict.rule).toMatch(/control/);
    expect(worse.metrics[0]?.verdict).toMatchObject({ kind: "worse", variantKey: "B" });

    const three = { variants: threeArms };
    const both = binomialResults(
      { A: [10_000, 1000], B: [10_000, 1250], C: [10_000, 1350] },
      three,
    );
    expect(both.verdict).toMatchObject({ kind: "ship", variantKey: "C" });
    // One worse and one undecided: not every treatment is worse, so keep running.
    const mixed = binomialResults(
      { A: [10_000, 1200], B: [10_000, 1000], C: [10_000, 1190] },
      three,
    );
    expect(mixed.verdict.kind).toBe("keep-running");
    expect(mixed.metrics[0]?.verdict).toMatchObject({ kind: "worse", variantKey: "B" });
  });

  it("reads each of several treatments at alpha / treatments on the always-valid interval", () => {
    // B: 11.4% against 10% at 10,000 per arm. Its always-valid interval at 0.05 excludes 0,
    // at 0.025 (two treatments) it does not.
    const c = { n: 10_000, conversions: 1000 };
    const b = { n: 10_000, conversions: 1140 };
    expect(proportionSequentialInterval(c, b)?.ci[0]).toBeGreaterThan(0);
    expect(proportionSequentialInterval(c, b, { alpha: 0.025 })?.ci[0]).toBeLessThan(0);
    const three = binomialResults(
      { A: [10_000, 1000], B: [10_000, 1140], C: [10_000, 1000] },
      { variants: threeArms },
    );
    expect(three.verdict.kind).toBe("keep-running");
    expect(three.verdict.summary).toContain("always-valid 97.5% CI");
    const two = binomialResults({ A: [10_000, 1000], B: [10_000, 1140] });
    expect(two.verdict).toMatchObject({ kind: "ship", variantKey: "B" });
  });

  it("plans a sum metric from the control's observed mean and spread", () => {
    // Control: 1,000 users, per-user sum mean 4 and sd 3 (Σy² = 999 · 9 + 1000 · 16).
    // Plan +10%: δ = 0.4; N = (1.959964 + 0.841621)² · 3² · (1/0.5 + 1/0.5) / 0.4² = 1765.6,
    // 883 per arm, 1,766 in all.
    const n = (Z_975 + Z_80) ** 2 * 9 * 4 * (1 / 0.4) ** 2;
    const perArm = Math.ceil(n / 2);
    expect(perArm).toBe(883);
    const side = { events: 1000, sum: 4000, sumSquares: 999 * 9 + 1000 * 16, entities: 1000 };
    // 2,000 users reach the 1,766 planned: the fixed read, identical arms.
    const balanced = buildResults(
      runningExperiment({
        metrics: [{ name: "spend", kind: "sum", primary: true }],
        plan: { mde: 0.1, mdeScale: "relative", power: 0.8 },
      }),
      {
        ...emptyAggregates(),
        exposures: { A: 1000, B: 1000 },
        metrics: { spend: { A: side, B: side } },
      },
      {},
      0.05,
    );
    expect(balanced.verdict).toMatchObject({ kind: "no-detectable-effect", interval: "fixed" });
    // At 750 per arm (same mean and sd) 1,766 - 1,500 = 266 users are still needed.
    const small = { events: 750, sum: 3000, sumSquares: 749 * 9 + 750 * 16, entities: 750 };
    const early = buildResults(
      runningExperiment({
        metrics: [{ name: "spend", kind: "sum", primary: true }],
        plan: { mde: 0.1, mdeScale: "relative", power: 0.8 },
      }),
      {
        ...emptyAggregates(),
        exposures: { A: 750, B: 750 },
        metrics: { spend: { A: small, B: small } },
      },
      {},
      0.05,
    );
    expect(early.verdict).toMatchObject({ kind: "keep-running", usersNeeded: 2 * perArm - 1500 });
    // A mean metric counts active users: with half the control active, twice the users.
    const active = { events: 500, sum: 2000, sumSquares: 499 * 9 + 500 * 16, entities: 500 };
    const mean = buildResults(
      runningExperiment({
        metrics: [{ name: "spend", kind: "mean", primary: true }],
        plan: { mde: 0.1, mdeScale: "relative", power: 0.8 },
      }),
      {
        ...emptyAggregates(),
        exposures: { A: 1000, B: 1000 },
        metrics: { spend: { A: active, B: active } },
      },
      {},
      0.05,
    );
    expect(mean.verdict).toMatchObject({
      kind: "keep-running",
      usersNeeded: 2 * 2 * perArm - 2000,
    });
  });

  it("gives a bandit's verdict from the arms' chance to be best", () => {
    const bandit = { floor: 5, intervalMs: null };
    const clear = binomialResults({ A: [2000, 200], B: [2000, 300] }, { bandit });
    expect(clear.bandit?.arms[1]?.chanceToBeBest).toBeGreaterThan(0.95);
    expect(clear.verdict).toMatchObject({ kind: "ship", variantKey: "B", usersNeeded: 0 });
    expect(clear.metrics[0]?.verdict).toMatchObject({ kind: "better", variantKey: "B" });
    const close = binomialResults({ A: [2000, 200], B: [2000, 210] }, { bandit });
    expect(close.bandit?.arms[1]?.chanceToBeBest).toBeLessThan(0.95);
    expect(close.verdict).toMatchObject({ kind: "keep-running", usersNeeded: null });
    expect(close.verdict.summary).toMatch(/chance, below 95\.0%/);
  });

  it("gives every metric a verdict in its own direction", () => {
    const results = buildResults(
      runningExperiment({
        metrics: [
          { name: "thumbs_up", kind: "binomial", primary: true },
          { name: "tokens", kind: "binomial", primary: false, direction: "lower" },
        ],
      }),
      {
        ...emptyAggregates(),
        exposures: { A: 10_000, B: 10_000 },
        metrics: {
          thumbs_up: { A: rate(1000), B: rate(1010) },
          tokens: { A: rate(1000), B: rate(1300) },
        },
      },
      {},
      0.05,
    );
    expect(results.metrics.map((metric) => metric.verdict.kind)).toEqual(["keep-running", "worse"]);
    expect(results.metrics[1]?.verdict.summary).toMatch(/^tokens is worse with B: \+3\.00 pp/);
  });
});

const guard = { harm: "increase" as const, tolerance: 0, toleranceScale: "relative" as const };

const threeArms = [
  { key: "A", weight: 34, config: null },
  { key: "B", weight: 33, config: null },
  { key: "C", weight: 33, config: null },
];
