import { describe, expect, it } from "vitest";
import {
  type PlanInput,
  planExperiment,
  proportionTest,
  standardNormal,
  welchTest,
} from "../../src/stats/index.js";
import { seededRandom } from "../../src/stats/random.js";
import { binomial } from "./binomialSimulation.js";

// Each case runs RUNS experiments at the planned size under the planned effect and counts how
// often the test abkit's results use (proportionTest, welchTest) is significant. With 4,000
// runs the empirical power's standard error is sqrt(0.8 · 0.2 / 4000) = 0.0063, so the
// 2-point tolerance is about 3 standard errors.
const RUNS = 4000;
const TOLERANCE = 0.02;
// Measured with these seeds: 0.809, 0.791, 0.801, 0.807 (1% at 90/10), 0.900 (power 0.9),
// 0.800 (three arms), and for the means 0.797 and 0.806.

function simulatedPower(input: PlanInput, seed: number): number {
  const plan = planExperiment(input);
  const next = seededRandom(seed);
  const alpha = plan.alphaPerComparison;
  const [nC = 0, nT = 0] = plan.usersPerVariant;
  let detected = 0;
  for (let run = 0; run < RUNS; run++) {
    let pValue: number | null;
    if (input.metric === "binomial") {
      const rateT = input.baseline + plan.effect.absolute;
      pValue = proportionTest(
        { n: nC, conversions: binomial(nC, input.baseline, next) },
        { n: nT, conversions: binomial(nT, rateT, next) },
        { alpha },
      ).pValue;
    } else {
      const sd = input.sd ?? 0;
      pValue = welchTest(
        normalArm(nC, input.baseline, sd, next),
        normalArm(nT, input.baseline + plan.effect.absolute, sd, next),
        { alpha },
      ).pValue;
    }
    if (pValue !== null && pValue < alpha) detected++;
  }
  return detected / RUNS;
}

// An arm of `n` users whose values are normal with the given mean and sd.
function normalArm(n: number, mean: number, sd: number, next: () => number) {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const value = mean + sd * standardNormal(next);
    sum += value;
    sumSquares += value * value;
  }
  return { n, sum, sumSquares };
}

describe("planExperiment's power, simulated", () => {
  it.each<[string, PlanInput, number]>([
    [
      "binomial 10% +2 points, 50/50",
      { metric: "binomial", baseline: 0.1, mde: 0.02, mdeType: "absolute" },
      1,
    ],
    [
      "binomial 10% +20%, 90/10",
      { metric: "binomial", baseline: 0.1, mde: 0.2, split: [90, 10] },
      2,
    ],
    ["binomial 1% +30%, 50/50", { metric: "binomial", baseline: 0.01, mde: 0.3 }, 3],
    [
      "binomial 1% +30%, 90/10",
      { metric: "binomial", baseline: 0.01, mde: 0.3, split: [90, 10] },
      4,
    ],
    [
      "binomial 10% -15%, power 0.9",
      { metric: "binomial", baseline: 0.1, mde: -0.15, power: 0.9 },
      5,
    ],
    [
      "binomial 10% +20%, three arms (each comparison at alpha / 2)",
      { metric: "binomial", baseline: 0.1, mde: 0.2, variants: 3 },
      8,
    ],
    [
      "mean sd 1, +0.2, 50/50",
      { metric: "mean", baseline: 5, sd: 1, mde: 0.2, mdeType: "absolute" },
      6,
    ],
    [
      "mean sd 1, +0.3, 90/10",
      { metric: "mean", baseline: 5, sd: 1, mde: 0.3, mdeType: "absolute", split: [90, 10] },
      7,
    ],
  ])("%s reaches the nominal power within 2 points", (_, input, seed) => {
    const power = simulatedPower(input, seed);
    expect(Math.abs(power - (input.power ?? 0.8))).toBeLessThan(TOLERANCE);
  });
});
