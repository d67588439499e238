import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { guardrailVerdict } from "../../src/engine/results/guardrails.js";
import { type Experiment, experimentInputSchema, guardrailSchema } from "../../src/schema/index.js";
import type { ProportionSide } from "../../src/stats/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import { SCENARIOS, seededRandom, splitExperiment } from "../stats/binomialSimulation.js";
import { runningExperiment } from "../support/experiment.js";

type Guardrail = NonNullable<Experiment["metrics"][number]["guardrail"]>;

function experiment(guardrail: Guardrail, kind: "sum" | "mean" | "binomial" = "sum"): Experiment {
  return runningExperiment({
    metrics: [
      { name: "thumbs_up", kind: "binomial", primary: true },
      { name: "guarded", kind, primary: false, guardrail },
    ],
  });
}

// 1000 users per arm; each arm's per-user values have the given mean and standard deviation
// (sumSquares = (n - 1) sd² + sum² / n).
function results(guardrail: Guardrail, control: [number, number], treatment: [number, number]) {
  const side = ([mean, sd]: [number, number]) => ({
    events: 1000,
    sum: 1000 * mean,
    sumSquares: 999 * sd * sd + 1000 * mean * mean,
    entities: 1000,
  });
  const aggregates = {
    ...emptyAggregates(),
    exposures: { A: 1000, B: 1000 },
    metrics: { guarded: { A: side(control), B: side(treatment) } },
  };
  const built = buildResults(experiment(guardrail), aggregates, {}, 0.05);
  const comparison = built.metrics[1]?.variants[1]?.comparison;
  return { built, comparison, verdict: comparison?.guardrail };
}

// A binomial guardrail: `[users, converted]` per arm.
function binomialResults(
  guardrail: Guardrail,
  control: [number, number],
  treatment: [number, number],
) {
  const side = ([, converted]: [number, number]) => ({
    events: converted,
    sum: converted,
    sumSquares: converted,
    entities: converted,
  });
  const aggregates = {
    ...emptyAggregates(),
    exposures: { A: control[0], B: treatment[0] },
    metrics: { guarded: { A: side(control), B: side(treatment) } },
  };
  const built = buildResults(experiment(guardrail, "binomial"), aggregates, {}, 0.05);
  const comparison = built.metrics[1]?.variants[1]?.comparison;
  return { built, comparison, verdict: comparison?.guardrail };
}

// What the results give a binomial guardrail: rates, their Beta(1, 1)-smoothed se, counts.
function binomialArms(control: ProportionSide, treatment: ProportionSide) {
  const arm = ({ n, conversions }: ProportionSide) => {
    const smoothed = (conversions + 1) / (n + 2);
    return { value: conversions / n, se: Math.sqrt((smoothed * (1 - smoothed)) / n) };
  };
  return {
    control: arm(control),
    treatment: arm(treatment),
    users: control.n + treatment.n,
    proportions: { control, treatment },
  };
}

const relative = (harm: "increase" | "decrease", tolerance = 0): Guardrail => ({
  harm,
  tolerance,
  toleranceScale: "relative",
});

describe("guardrails", () => {
  it("fire when the control is 0: errors from 0 to 0.7 per user", () => {
    const { built, comparison, verdict } = results(relative("increase", 0.05), [0, 0], [0.7, 1]);
    expect(comparison?.relative).toBeNull();
    expect(comparison?.pValue).toBeLessThan(1e-50);
    expect(verdict).toMatchObject({ status: "harm", readOn: "absolute" });
    expect(built.guardrailViolations).toEqual([
      expect.objectContaining({
        metric: "guarded",
        harm: "increase",
        toleranceScale: "relative",
        absolute: comparison?.absolute,
      }),
    ]);
  });

  it("read a negative control's change in the right direction: profit from -5 to -10", () => {
    const { comparison, verdict } = results(relative("decrease", 0.02), [-5, 2], [-10, 2]);
    expect(comparison?.relative?.estimate).toBe(-1);
    expect(verdict).toMatchObject({ status: "harm", readOn: "relative" });
    // And an improvement from -10 to -5 is no harm.
    expect(results(relative("decrease", 0.02), [-10, 2], [-5, 2]).verdict?.status).toBe("ok");
  });

  // The always-valid interval read: each end one-sided at alpha = 0.05, i.e. the two-sided
  // sequence at 0.1. With N = 2000 users, tuning N* = 5000 and L = -2 ln 0.1 = 4.60517:
  // rho² = (L + ln(L + 1)) / N* = 6.32886 / 5000, N rho² = 2.53154, and the critical value
  // sqrt(N) · sqrt(2 (N rho² + 1) ln(sqrt(N rho² + 1) / 0.1) / (N rho)²) = 2.860844.
  const H_2000 = 2.860844;

  it("read an absolute tolerance in the metric's units on the always-valid interval", () => {
    const guardrail: Guardrail = { harm: "increase", tolerance: 50, toleranceScale: "absolute" };
    // Latency 800 ms, sd 100, 1,000 users per arm: se of the difference sqrt(2) · 100 /
    // sqrt(1000) = 4.472136, half-width 2.860844 · 4.472136 = 12.79408.
    const harm = results(guardrail, [800, 100], [880, 100]).verdict;
    expect(harm).toMatchObject({
      status: "harm",
      readOn: "absolute",
      interval: "always-valid",
      margin: 50,
    });
    expect(harm?.ci?.[0]).toBeCloseTo(80 - 12.79408, 3);
    expect(harm?.bound).toBeCloseTo(80 - 12.79408, 3);
    // +40 ms: [27.21, 52.79] reaches past 50 ms. The fixed-n 95% interval [31.2, 48.8] said
    // `ok`, but read on any day it would not hold its level.
    const unsure = results(guardrail, [800, 100], [840, 100]).verdict;
    expect(unsure?.status).toBe("inconclusive");
    expect(unsure?.bound).toBeCloseTo(40 + 12.79408, 3);
    // +30 ms: [17.21, 42.79], within 50 ms.
    const ok = results(guardrail, [800, 100], [830, 100]).verdict;
    expect(ok?.status).toBe("ok");
    expect(ok?.bound).toBeCloseTo(30 + 12.79408, 3);
  });

  it("read a relative tolerance as the test of T - (1 + tolerance) C", () => {
    const guardrail = relative("increase", 0.05);
    // Control 800 (se sqrt(10)), margin 5%: se_Q = sqrt(10 + 1.05² · 10) = 4.585303, so the
    // relative interval is rel ∓ 2.860844 · 4.585303 / 800 = rel ∓ 0.0163973.
    const ok = results(guardrail, [800, 100], [820, 100]).verdict;
    expect(ok).toMatchObject({ status: "ok", readOn: "relative", margin: 0.05 });
    expect(ok?.ci?.[0]).toBeCloseTo(0.025 - 0.0163973, 5);
    expect(ok?.bound).toBeCloseTo(0.025 + 0.0163973, 5);
    expect(results(guardrail, [800, 100], [850, 100]).verdict?.status).toBe("inconclusive");
    const harm = results(guardrail, [800, 100], [880, 100]).verdict;
    expect(harm?.status).toBe("harm");
    expect(harm?.bound).toBeCloseTo(0.1 - 0.0163973, 5);
  });

  it("read a decrease on both scales", () => {
    const arms = (control: number, treatment: number, se: number) => ({
      control: { value: control, se },
      treatment: { value: treatment, se },
      users: 2000,
    });
    const absolute: Guardrail = { harm: "decrease", tolerance: 0.02, toleranceScale: "absolute" };
    // se of the difference 0.01 · sqrt(2): half-width 2.860844 · 0.0141421 = 0.0404584.
    const hw = H_2000 * 0.01 * Math.SQRT2;
    const harm = guardrailVerdict(absolute, arms(0.5, 0.4, 0.01), 0.05);
    expect(harm).toMatchObject({ status: "harm", margin: -0.02, readOn: "absolute" });
    expect(harm.bound).toBeCloseTo(-0.1 + hw, 6);
    expect(guardrailVerdict(absolute, arms(0.5, 0.51, 0.01), 0.05).status).toBe("inconclusive");
    const ok = guardrailVerdict(absolute, arms(0.5, 0.53, 0.01), 0.05);
    expect(ok.status).toBe("ok");
    expect(ok.bound).toBeCloseTo(0.03 - hw, 6);
    // Profit -5 -> -5.1 (se 0.02 each), harm "decrease" beyond 5%: rel = -0.02; the control is
    // negative, so Q = T - (1 - sign(C) · 0.05) C and se_Q = sqrt(0.02² + 1.05² · 0.02²) =
    // 0.029; half-width 2.860844 · 0.029 / 5 = 0.0165929.
    const profit = guardrailVerdict(relative("decrease", 0.05), arms(-5, -5.1, 0.02), 0.05);
    expect(profit).toMatchObject({ status: "ok", readOn: "relative", margin: -0.05 });
    expect(profit.bound).toBeCloseTo(-0.02 - 0.0165929, 6);
    expect(guardrailVerdict(relative("decrease", 0.05), arms(-5, -5.1, 0.1), 0.05).status).toBe(
      "inconclusive",
    );
  });

  it("say inconclusive without an interval", () => {
    const none = { control: null, treatment: { value: 1, se: 1 }, users: 10 };
    expect(guardrailVerdict(relative("increase", 0.1), none, 0.05)).toMatchObject({
      status: "inconclusive",
      readOn: null,
      ci: null,
      bound: null,
    });
    const arms = { control: { value: 1, se: 0.1 }, treatment: { value: 1, se: 0.1 }, users: 1 };
    expect(guardrailVerdict(relative("increase", 0.1), arms, 0.05).status).toBe("inconclusive");
  });

  describe("on a binomial metric", () => {
    it("fire on the absolute read when the control never converts (0/1000 -> 30/1000)", () => {
      const { built, comparison, verdict } = binomialResults(
        relative("increase", 0.1),
        [1000, 0],
        [1000, 30],
      );
      expect(comparison?.relative).toBeNull();
      expect(verdict).toMatchObject({ status: "harm", readOn: "absolute" });
      expect(built.guardrailViolations).toHaveLength(1);
      // 0/1000 -> 1/1000 is within what chance gives: no alarm.
      expect(
        binomialResults(relative("increase", 0.1), [1000, 0], [1000, 1]).verdict,
      ).toMatchObject({ status: "inconclusive", readOn: "absolute" });
    });

    it("read a treatment that stops converting as -100% (200/1000 -> 0/1000)", () => {
      const { comparison, verdict } = binomialResults(
        relative("decrease", 0.05),
        [1000, 200],
        [1000, 0],
      );
      expect(comparison?.relative?.estimate).toBe(-1);
      expect(comparison?.relative?.ci?.[0]).toBe(-1);
      expect(verdict).toMatchObject({ status: "harm", readOn: "relative" });
    });

    it("stay quiet on a small arm whose few users all converted (1/1 vs 30/100)", () => {
      // The delta method read [-79%, -61%] from the single control user: "harm".
      const { comparison, verdict } = binomialResults(
        relative("decrease", 0.05),
        [1, 1],
        [100, 30],
      );
      expect(comparison?.relative?.ci?.[1]).toBeGreaterThan(0);
      expect(verdict?.status).toBe("inconclusive");
    });

    // A/A with tolerance 0: each side is one-sided at alpha = 0.05 on an always-valid
    // interval, so read once it says `harm` well under 5% of the time, small and rare arms
    // included.
    it.each(SCENARIOS)(
      "stay under alpha in A/A runs: share $share, base rate $rate",
      ({ share, rate }) => {
        const next = seededRandom(Math.round(share * 5000 + rate * 700_000));
        const runs = 2000;
        for (const users of [1000, 5000]) {
          const harm = { increase: 0, decrease: 0 };
          for (let run = 0; run < runs; run++) {
            const { control, treatment } = splitExperiment(users, share, rate, rate, next);
            for (const direction of ["increase", "decrease"] as const) {
              const verdict = guardrailVerdict(
                relative(direction),
                binomialArms(control, treatment),
                0.05,
              );
              if (verdict.status === "harm") harm[direction]++;
            }
          }
          expect(harm.increase / runs, `${users} users`).toBeLessThanOrEqual(0.05);
          expect(harm.decrease / runs, `${users} users`).toBeLessThanOrEqual(0.05);
        }
      },
    );
  });

  it("take a relative tolerance by default, and an absolute one of any size", () => {
    expect(guardrailSchema.parse({ harm: "increase", tolerance: 0.02 })).toEqual({
      harm: "increase",
      tolerance: 0.02,
      toleranceScale: "relative",
    });
    expect(
      guardrailSchema.parse({ harm: "increase", tolerance: 250, toleranceScale: "absolute" }),
    ).toMatchObject({ tolerance: 250 });
    expect(() => guardrailSchema.parse({ harm: "increase", tolerance: 250 })).toThrow(/at most 10/);
    expect(() =>
      guardrailSchema.parse({ harm: "increase", tolerance: 1, toleranceScale: "percent" }),
    ).toThrow();
    const created = experimentInputSchema.parse({
      key: "latency",
      variants: [
        { key: "A", weight: 50 },
        { key: "B", weight: 50 },
      ],
      metrics: [
        {
          name: "latency_ms",
          kind: "mean",
          guardrail: { harm: "increase", tolerance: 50, toleranceScale: "absolute" },
        },
      ],
    });
    expect(created.metrics[0]?.guardrail?.toleranceScale).toBe("absolute");
  });
});
