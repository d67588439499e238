import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import type { LogMetricSummary } from "../../src/store.js";
import { runningExperiment } from "../support/experiment.js";
import { seededNormal, seededRandom } from "../support/random.js";

// Execution-unit means on simulated executions with a known truth, through buildResults:
// at uneven splits, with a skewed (lognormal) score and a rare 0/1 score, the 95% interval
// covers the true difference about 95% of the time and an A/A test finds an effect about
// 5% of the time.

const RUNS = 400;

interface Scenario {
  name: string;
  executions: number;
  /** One execution's score; `lift` scales the treatment's mean. */
  draw: (lift: number) => number;
  mean: (lift: number) => number;
}

function scenarios(seed: number): Scenario[] {
  const normal = seededNormal(seed);
  const random = seededRandom(seed + 1);
  return [
    {
      // exp(N(0, 1)): mean e^0.5, heavy right tail.
      name: "lognormal",
      executions: 4000,
      draw: (lift) => lift * Math.exp(normal()),
      mean: (lift) => lift * Math.exp(0.5),
    },
    {
      name: "rare 0/1 (1%)",
      executions: 40_000,
      draw: (lift) => (random() < 0.01 * lift ? 1 : 0),
      mean: (lift) => 0.01 * lift,
    },
  ];
}

function summary(): LogMetricSummary {
  return { count: 0, sum: 0, sumSquares: 0, squared: 0, buckets: {} };
}

// One simulated experiment: its treatment comparison of the execution metric `score`.
function simulate(scenario: Scenario, treatmentShare: number, lift: number, random: () => number) {
  const arms = { A: summary(), B: summary() };
  for (let i = 0; i < scenario.executions; i++) {
    const treated = random() < treatmentShare;
    const value = scenario.draw(treated ? lift : 1);
    const arm = treated ? arms.B : arms.A;
    arm.count += 1;
    arm.sum += value;
    arm.sumSquares = (arm.sumSquares ?? 0) + value * value;
    arm.squared = (arm.squared ?? 0) + 1;
  }
  const experiment = runningExperiment({
    variants: [
      { key: "A", weight: 100 - treatmentShare * 100, config: null },
      { key: "B", weight: treatmentShare * 100, config: null },
    ],
    metrics: [{ name: "score", kind: "mean", unit: "execution", primary: true }],
  });
  const results = buildResults(
    experiment,
    emptyAggregates(),
    { A: { score: arms.A }, B: { score: arms.B } },
    0.05,
  );
  return results.metrics[0]?.variants[1]?.comparison;
}

describe("execution-unit means on simulated executions", () => {
  for (const share of [0.1, 0.05]) {
    for (const [index, scenario] of scenarios(31).entries()) {
      it(`${scenario.name} at ${100 - share * 100}/${share * 100}: coverage near 95%, A/A false positives near 5%`, () => {
        const random = seededRandom(1000 + index * 10 + share * 100);
        let covered = 0;
        let falsePositives = 0;
        const truth = scenario.mean(1.2) - scenario.mean(1);
        for (let run = 0; run < RUNS; run++) {
          const ci = simulate(scenario, share, 1.2, random)?.absolute.ci;
          if (ci && ci[0] <= truth && truth <= ci[1]) covered += 1;
          const aa = simulate(scenario, share, 1, random);
          if (aa?.pValue !== null && aa?.pValue !== undefined && aa.pValue < 0.05) {
            falsePositives += 1;
          }
        }
        expect(covered / RUNS).toBeGreaterThan(0.91);
        expect(covered / RUNS).toBeLessThan(0.985);
        expect(falsePositives / RUNS).toBeGreaterThan(0.015);
        expect(falsePositives / RUNS).toBeLessThan(0.085);
      });
    }
  }
});
