import { describe, expect, it } from "vitest";
import { type GuardrailArms, guardrailVerdict } from "../../src/engine/results/guardrails.js";
import type { Guardrail } from "../../src/schema/index.js";
import { normalQuantile } from "../../src/stats/index.js";
import { binomial, seededRandom } from "../stats/binomialSimulation.js";
import { seededNormal } from "../support/random.js";

// A guardrail read every day for 30 days, 200 users per arm a day. The arms' running sums
// give each day's means and standard errors, as the results compute them.
const DAYS = 30;
const PER_DAY = 200;
const RUNS = 1000;
const ALPHA = 0.05;

interface Sums {
  n: number;
  sum: number;
  sumSquares: number;
}

const estimate = ({ n, sum, sumSquares }: Sums) => {
  const mean = sum / n;
  return { value: mean, se: Math.sqrt((sumSquares - n * mean * mean) / (n - 1) / n) };
};

// Day by day: the first status other than `inconclusive` (and its day), as someone stopping
// at the first clear read would see it; also whether the fixed-n one-sided bound (z_0.95)
// would have said `ok` on some day.
function readDaily(
  guardrail: Guardrail,
  day: (control: Sums, treatment: Sums) => GuardrailArms,
  draw: (arm: "control" | "treatment") => number,
) {
  const control: Sums = { n: 0, sum: 0, sumSquares: 0 };
  const treatment: Sums = { n: 0, sum: 0, sumSquares: 0 };
  let first: { status: string; day: number } | null = null;
  let fixedOk = false;
  for (let d = 1; d <= DAYS; d++) {
    for (const [arm, sums] of [
      ["control", control],
      ["treatment", treatment],
    ] as const) {
      for (let i = 0; i < PER_DAY; i++) {
        const value = draw(arm);
        sums.n++;
        sums.sum += value;
        sums.sumSquares += value * value;
      }
    }
    const arms = day(control, treatment);
    const verdict = guardrailVerdict(guardrail, arms, ALPHA);
    if (!first && verdict.status !== "inconclusive") first = { status: verdict.status, day: d };
    fixedOk ||= fixedSaysOk(guardrail, arms);
  }
  return { first, fixedOk };
}

// The fixed-sample read: the one-sided 95% bound of the absolute difference within margin.
function fixedSaysOk(guardrail: Guardrail, arms: GuardrailArms): boolean {
  const { control, treatment } = arms;
  if (!control || !treatment) return false;
  const diff = treatment.value - control.value;
  const bound = normalQuantile(1 - ALPHA) * Math.hypot(control.se, treatment.se);
  return guardrail.harm === "increase"
    ? diff + bound <= guardrail.tolerance
    : diff - bound >= -guardrail.tolerance;
}

const means = (control: Sums, treatment: Sums): GuardrailArms => ({
  control: estimate(control),
  treatment: estimate(treatment),
  users: control.n + treatment.n,
});

describe("guardrails read daily on the always-valid interval", () => {
  it("declare a treatment exactly at the margin non-inferior in at most alpha of runs", () => {
    const margin = 0.05;
    const guardrail: Guardrail = {
      harm: "increase",
      tolerance: margin,
      toleranceScale: "absolute",
    };
    const normal = seededNormal(20261203);
    let ok = 0;
    let fixedOk = 0;
    for (let run = 0; run < RUNS; run++) {
      const read = readDaily(
        guardrail,
        means,
        (arm) => normal() + (arm === "treatment" ? margin : 0),
      );
      if (read.first?.status === "ok") ok++;
      if (read.fixedOk) fixedOk++;
    }
    // 1,000 runs: a 5% rate has a standard error of 0.007.
    expect(ok / RUNS).toBeLessThanOrEqual(ALPHA);
    // Reading the fixed-n bound every day declares `ok` far more often than alpha.
    expect(fixedOk / RUNS).toBeGreaterThan(2 * ALPHA);
  }, 60_000);

  it("hold alpha at a relative margin: a 5% increase on a mean of 10", () => {
    const guardrail: Guardrail = { harm: "increase", tolerance: 0.05, toleranceScale: "relative" };
    const normal = seededNormal(77);
    let ok = 0;
    for (let run = 0; run < RUNS; run++) {
      const read = readDaily(
        guardrail,
        means,
        (arm) => (arm === "treatment" ? 10.5 : 10) + 3 * normal(),
      );
      if (read.first?.status === "ok") ok++;
    }
    expect(ok / RUNS).toBeLessThanOrEqual(ALPHA);
  }, 60_000);

  it("hold alpha on a binomial metric: 20% falling to 19% against a 1-point margin", () => {
    const guardrail: Guardrail = { harm: "decrease", tolerance: 0.01, toleranceScale: "absolute" };
    const next = seededRandom(4242);
    const rates = (control: Sums, treatment: Sums): GuardrailArms => {
      const arm = ({ n, sum }: Sums) => {
        const smoothed = (sum + 1) / (n + 2);
        return { value: sum / n, se: Math.sqrt((smoothed * (1 - smoothed)) / n) };
      };
      return {
        control: arm(control),
        treatment: arm(treatment),
        users: control.n + treatment.n,
        proportions: {
          control: { n: control.n, conversions: control.sum },
          treatment: { n: treatment.n, conversions: treatment.sum },
        },
      };
    };
    let ok = 0;
    for (let run = 0; run < RUNS; run++) {
      const read = readDaily(guardrail, rates, (arm) =>
        binomial(1, arm === "treatment" ? 0.19 : 0.2, next),
      );
      if (read.first?.status === "ok") ok++;
    }
    expect(ok / RUNS).toBeLessThanOrEqual(ALPHA);
  }, 60_000);

  it("flag a clearly harmful treatment before the end in most runs", () => {
    // True increase 0.15 sd against a 0.05 sd margin.
    const guardrail: Guardrail = { harm: "increase", tolerance: 0.05, toleranceScale: "absolute" };
    const normal = seededNormal(99);
    const days: number[] = [];
    let wrong = 0;
    for (let run = 0; run < RUNS; run++) {
      const { first } = readDaily(
        guardrail,
        means,
        (arm) => normal() + (arm === "treatment" ? 0.15 : 0),
      );
      if (first?.status === "harm") days.push(first.day);
      else if (first?.status === "ok") wrong++;
    }
    const early = days.filter((day) => day < DAYS).length;
    expect(early / RUNS).toBeGreaterThanOrEqual(0.9);
    expect(wrong).toBe(0);
    days.sort((a, b) => a - b);
    // Half the runs stop within the first two weeks.
    expect(days[Math.floor(RUNS / 2)]).toBeLessThanOrEqual(14);
  }, 60_000);
});
