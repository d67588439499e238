import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { guardrailVerdict } from "../../src/engine/results/guardrails.js";
import { type Experiment, experimentInputSchema, guardrailSchema } from "../../src/schema/index.js";
import { proportionTest } from "../../src/stats/index.js";
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

  it("read an absolute tolerance in the metric's units", () => {
    const guardrail: Guardrail = { harm: "increase", tolerance: 50, toleranceScale: "absolute" };
    // Latency 800 ms -> 880 ms (sd 100): +80 ms, interval about [71, 89], beyond 50 ms.
    expect(results(guardrail, [800, 100], [880, 100]).verdict).toMatchObject({
      status: "harm",
      readOn: "absolute",
      tolerance: 50,
    });
    // +40 ms, interval about [31, 49]: within 50 ms, although 5% is beyond a 2% tolerance.
    expect(results(guardrail, [800, 100], [840, 100]).verdict?.status).toBe("ok");
    expect(results(relative("increase", 0.02), [800, 100], [840, 100]).verdict?.status).toBe(
      "harm",
    );
    // +45 ms, interval about [36, 54]: straddles 50 ms.
    expect(results(guardrail, [800, 100], [845, 100]).verdict?.status).toBe("inconclusive");
  });

  it("read a relative tolerance against |control| when the relative interval is missing", () => {
    const guardrail = relative("increase", 0.5);
    const comparison = { absolute: { estimate: 0.4, ci: [0.3, 0.5] as [number, number] } };
    // Control 1: 50% is 0.5 units, and [0.3, 0.5] stays within it.
    expect(guardrailVerdict(guardrail, { ...comparison, relative: null }, 1).status).toBe("ok");
    // Control -0.2: 50% of |control| is 0.1, and the increase is beyond it.
    expect(guardrailVerdict(guardrail, { ...comparison, relative: null }, -0.2).status).toBe(
      "harm",
    );
    expect(
      guardrailVerdict(guardrail, { absolute: { estimate: null, ci: null }, relative: null }, 0),
    ).toMatchObject({ status: "inconclusive", readOn: null });
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

    // A/A: a "must not decrease" or "must not increase" reading of the 95% relative interval
    // (tolerance 0) should fire about 2.5% of the time each. The delta method's interval fired
    // on "decrease" in 5-10% of runs with small or rare arms.
    it.each(SCENARIOS)(
      "fire at about their nominal rate in A/A runs: share $share, base rate $rate",
      ({ share, rate }) => {
        const next = seededRandom(Math.round(share * 5000 + rate * 700_000));
        const runs = 2000;
        for (const users of [1000, 5000]) {
          const harm = { increase: 0, decrease: 0 };
          for (let run = 0; run < runs; run++) {
            const { control, treatment } = splitExperiment(users, share, rate, rate, next);
            const test = proportionTest(control, treatment);
            const value = control.conversions / control.n;
            for (const direction of ["increase", "decrease"] as const) {
              const verdict = guardrailVerdict(relative(direction), test, value);
              if (verdict.status === "harm") harm[direction]++;
            }
          }
          // 2,000 runs: the standard error of a 2.5% rate is 0.0035.
          expect(harm.increase / runs, `${users} users`).toBeLessThanOrEqual(0.04);
          expect(harm.decrease / runs, `${users} users`).toBeLessThanOrEqual(0.04);
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
