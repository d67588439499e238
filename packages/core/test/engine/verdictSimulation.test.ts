import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import type { Experiment, ExperimentPlan } from "../../src/schema/experiment.js";
import { standardNormal } from "../../src/stats/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import type { ExperimentAggregates, MetricAggregate } from "../../src/store.js";
import { binomial, seededRandom } from "../stats/binomialSimulation.js";
import { runningExperiment } from "../support/experiment.js";

// Seeded experiments read the way people read them: after every batch of users, stopping at
// the first verdict that is not keep-running. RUNS = 500 gives a standard error of 0.0097 on
// a 5% rate and 0.018 on 80%.
const RUNS = 500;
const ALPHA = 0.05;

type Draw = (users: number, arm: 0 | 1, next: () => number) => MetricAggregate;

// Users who convert at `rates[arm]`.
const conversions =
  (rates: [number, number]): Draw =>
  (users, arm, next) => {
    const converted = binomial(users, rates[arm], next);
    return { events: converted, sum: converted, sumSquares: converted, entities: converted };
  };

// A skewed per-user value: 30% of users are active, their value lognormal (sd of the log 1,
// so the mean is 1.65 and the skewness 6.2), times `lifts[arm]`.
const lognormal =
  (lifts: [number, number]): Draw =>
  (users, arm, next) => {
    const active = binomial(users, 0.3, next);
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < active; i++) {
      const value = lifts[arm] * Math.exp(standardNormal(next));
      sum += value;
      sumSquares += value * value;
    }
    return { events: active, sum, sumSquares, entities: active };
  };

interface Scenario {
  kind: "binomial" | "mean";
  draw: Draw;
  /** The treatment's share of traffic. */
  share: number;
  batch: number;
  batches: number;
  plan: ExperimentPlan | null;
}

/** How each run ended: its verdict's kind and variant at the first decisive read. */
function simulate(scenario: Scenario, seed: number) {
  const next = seededRandom(seed);
  const experiment: Experiment = runningExperiment({
    variants: [
      { key: "A", weight: 100 * (1 - scenario.share), config: null },
      { key: "B", weight: 100 * scenario.share, config: null },
    ],
    metrics: [{ name: "m", kind: scenario.kind, primary: true }],
    plan: scenario.plan,
  });
  const outcomes: { kind: string; variantKey: string | null; interval: string }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const totals = [emptySide(), emptySide()];
    const users = [0, 0];
    let outcome = { kind: "keep-running", variantKey: null as string | null, interval: "" };
    for (let batch = 0; batch < scenario.batches; batch++) {
      const treated = binomial(scenario.batch, scenario.share, next);
      const arms = [scenario.batch - treated, treated];
      for (const arm of [0, 1] as const) {
        users[arm] = (users[arm] ?? 0) + (arms[arm] ?? 0);
        add(totals[arm]!, scenario.draw(arms[arm] ?? 0, arm, next));
      }
      const aggregates: ExperimentAggregates = {
        ...emptyAggregates(),
        exposures: { A: users[0] ?? 0, B: users[1] ?? 0 },
        metrics: { m: { A: { ...totals[0]! }, B: { ...totals[1]! } } },
      };
      const { verdict } = buildResults(experiment, aggregates, {}, ALPHA);
      outcome = verdict;
      // Decided, or the plan's size is reached and read once on the fixed interval.
      if (verdict.kind !== "keep-running" || verdict.interval === "fixed") break;
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

function emptySide(): MetricAggregate {
  return { events: 0, sum: 0, sumSquares: 0, entities: 0 };
}

function add(total: MetricAggregate, more: MetricAggregate): void {
  total.events += more.events;
  total.sum += more.sum;
  total.sumSquares += more.sumSquares;
  total.entities += more.entities;
}

const share = (outcomes: { kind: string }[], kind: string) =>
  outcomes.filter((outcome) => outcome.kind === kind).length / outcomes.length;

describe("verdicts of A/A experiments read after every batch, without a plan", () => {
  // 30 reads of 1,000 users (30,000 in all). Measured ship rates with these seeds:
  // binomial 1% 0.008 (50/50), 0.020 (90/10); skewed mean 0.024 (50/50), 0.048 (90/10: the
  // always-valid interval is asymptotic, and 3,000 users of a skewed metric are few).
  it.each<[string, Scenario, number]>([
    ["binomial 1%, 50/50", aa("binomial", 0.5, conversions([0.01, 0.01])), 11],
    ["binomial 1%, 90/10", aa("binomial", 0.1, conversions([0.01, 0.01])), 12],
    ["skewed mean, 50/50", aa("mean", 0.5, lognormal([1, 1])), 13],
    ["skewed mean, 90/10", aa("mean", 0.1, lognormal([1, 1])), 14],
  ])(
    "ship in at most alpha of runs: %s",
    (_, scenario, seed) => {
      const outcomes = simulate(scenario, seed);
      const shipped = share(outcomes, "ship");
      // alpha plus two standard errors of the simulation.
      expect(shipped).toBeLessThanOrEqual(ALPHA + 2 * Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS));
    },
    120_000,
  );
});

describe("verdicts with a plan, read after every batch until the planned size", () => {
  // Control at 10%, plan +20%: 7,682 users; read every 250 users, on the always-valid interval
  // until the planned size (from the observed control rate), then once on the fixed one.
  // Measured: a true +20% ships B in 0.828 (50/50) and 0.790 (90/10) of runs (power 0.8);
  // A/A runs ship in 0.058 and 0.064: the final fixed read is two-sided at alpha (a treatment
  // or, when it looks worse, the control), and the reads before it add about a point.
  const plan: ExperimentPlan = { mde: 0.2, mdeScale: "relative", power: 0.8 };
  const planned = (draw: Draw, traffic: number): Scenario => ({
    kind: "binomial",
    draw,
    share: traffic,
    batch: 250,
    batches: 400,
    plan,
  });

  it.each<[string, number, number]>([
    ["50/50", 0.5, 21],
    ["90/10", 0.1, 22],
  ])(
    "ship a true effect of the planned size in about power of runs: %s",
    (_, traffic, seed) => {
      const outcomes = simulate(planned(conversions([0.1, 0.12]), traffic), seed);
      const shipped = outcomes.filter(
        (outcome) => outcome.kind === "ship" && outcome.variantKey === "B",
      ).length;
      expect(Math.abs(shipped / RUNS - plan.power)).toBeLessThan(0.06);
    },
    120_000,
  );

  it.each<[string, number, number]>([
    ["50/50", 0.5, 31],
    ["90/10", 0.1, 32],
  ])(
    "ship an A/A experiment rarely: %s",
    (_, traffic, seed) => {
      const outcomes = simulate(planned(conversions([0.1, 0.1]), traffic), seed);
      expect(share(outcomes, "ship")).toBeLessThan(0.08);
    },
    120_000,
  );
});

function aa(kind: Scenario["kind"], traffic: number, draw: Draw): Scenario {
  return { kind, draw, share: traffic, batch: 1000, batches: 30, plan: null };
}
