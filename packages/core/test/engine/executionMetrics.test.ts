import { memoryStore } from "@abkit/memory";
import { afterEach, describe, expect, it } from "vitest";
import { sliceKey } from "../../src/aggregation/slices.js";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { type Abkit, createAbkit, type Metric } from "../../src/index.js";
import { studentTQuantile } from "../../src/stats/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import type { LogSummaries } from "../../src/store.js";
import { runningExperiment } from "../support/experiment.js";
import { summaryOf } from "../support/logSummaries.js";
import { seededRandom } from "../support/random.js";

const COST_GUARDRAIL: Metric = {
  name: "cost",
  kind: "mean",
  unit: "execution",
  primary: false,
  guardrail: { harm: "increase", tolerance: 0.1, toleranceScale: "relative" },
};

// n executions each costing around `mean` (uniform ±50%).
function costs(n: number, mean: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => mean * (0.5 + random()));
}

function results(metrics: Metric[], summaries: LogSummaries, exposures = { A: 0, B: 0 }) {
  const aggregates = { ...emptyAggregates(), exposures };
  return buildResults(runningExperiment({ metrics }), aggregates, summaries, 0.05);
}

describe("execution-unit metrics", () => {
  it("read n, sum and squares from the log summaries and compare by Welch on executions", () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [2, 4, 6, 8];
    const metric = results([{ name: "judge", kind: "mean", unit: "execution", primary: true }], {
      A: { judge: summaryOf(a) },
      B: { judge: summaryOf(b) },
    }).metrics[0]!;
    expect(metric.unit).toBe("execution");
    expect(metric.variants.map((v) => [v.users, v.n, v.sum, v.value])).toEqual([
      [6, 6, 21, 3.5],
      [4, 4, 20, 5],
    ]);
    // Welch by hand: variances 3.5 and 6.667.
    const se = Math.sqrt(3.5 / 6 + 20 / 3 / 4);
    const df = (3.5 / 6 + 20 / 3 / 4) ** 2 / ((3.5 / 6) ** 2 / 5 + (20 / 3 / 4) ** 2 / 3);
    const t = studentTQuantile(0.975, df);
    const ci = metric.variants[1]?.comparison?.absolute.ci;
    expect(metric.variants[1]?.comparison?.absolute.estimate).toBeCloseTo(1.5, 12);
    expect(ci?.[0]).toBeCloseTo(1.5 - t * se, 9);
    expect(ci?.[1]).toBeCloseTo(1.5 + t * se, 9);
    expect(metric.variants[1]?.comparison?.sequential).not.toBeNull();
    expect(metric.variants[1]?.comparison?.bayesian).not.toBeNull();
    // No series and no slices: summaries are kept neither per day nor per slice.
    expect(metric.eventsOverTime).toEqual([]);
    expect(metric.effectOverTime).toEqual([]);
  });

  it("give estimates only when some summary lacks squares", () => {
    const old = { ...summaryOf([1, 2, 3]), squared: 1 };
    const metric = results([{ name: "judge", kind: "mean", unit: "execution", primary: true }], {
      A: { judge: old },
      B: { judge: summaryOf([2, 3, 4]) },
    }).metrics[0]!;
    const comparison = metric.variants[1]?.comparison;
    expect(comparison?.absolute).toEqual({ estimate: 1, ci: null });
    expect(comparison?.pValue).toBeNull();
    expect(comparison?.sequential).toBeNull();
    expect(comparison?.bayesian).toBeNull();
  });

  it("a cost guardrail flags +30% cost as harm and passes equal cost", () => {
    const primary: Metric = { name: "thumbs_up", kind: "binomial", primary: true };
    const harmed = results([primary, COST_GUARDRAIL], {
      A: { cost: summaryOf(costs(4000, 0.01, 1)) },
      B: { cost: summaryOf(costs(4000, 0.013, 2)) },
    });
    const harm = harmed.metrics[1]?.variants[1]?.comparison?.guardrail;
    expect(harm?.status).toBe("harm");
    expect(harmed.guardrailViolations).toMatchObject([{ metric: "cost", variantKey: "B" }]);
    expect(harmed.verdict).toMatchObject({ kind: "guardrail-harm", variantKey: "B" });
    const equal = results([primary, COST_GUARDRAIL], {
      A: { cost: summaryOf(costs(4000, 0.01, 3)) },
      B: { cost: summaryOf(costs(4000, 0.01, 4)) },
    });
    expect(equal.metrics[1]?.variants[1]?.comparison?.guardrail?.status).toBe("ok");
    expect(equal.guardrailViolations).toEqual([]);
  });

  it("drive the experiment verdict as the primary metric", () => {
    const verdict = results(
      [{ name: "judge", kind: "mean", unit: "execution", primary: true }],
      {
        A: { judge: summaryOf(costs(3000, 0.6, 5)) },
        B: { judge: summaryOf(costs(3000, 0.7, 6)) },
      },
      { A: 100, B: 100 },
    ).verdict;
    expect(verdict).toMatchObject({ kind: "ship", variantKey: "B", metric: "judge" });
  });

  it("count executions, not users, in the metric's own verdict", () => {
    const metric = results([{ name: "judge", kind: "mean", unit: "execution", primary: true }], {
      A: { judge: summaryOf(costs(3000, 0.6, 5)) },
      B: { judge: summaryOf(costs(3000, 0.7, 6)) },
    }).metrics[0]!;
    expect(metric.verdict.kind).toBe("better");
    expect(metric.verdict.summary).toMatch(/, 6,000 executions\.$/);
  });

  it("stay out of dimension slices and ignore entity events of the same name", () => {
    const aggregates = emptyAggregates();
    aggregates.exposures = { A: 2, B: 2 };
    aggregates.metrics.judge = { A: { events: 9, sum: 99, sumSquares: 999, entities: 2 } };
    aggregates.slices = {
      country: {
        [sliceKey("ES")]: {
          exposures: { A: 2, B: 2 },
          metrics: { judge: aggregates.metrics.judge },
        },
      },
    };
    const out = buildResults(
      runningExperiment({
        dimensions: ["country"],
        metrics: [
          { name: "thumbs_up", kind: "binomial", primary: true },
          { name: "judge", kind: "mean", unit: "execution", primary: false },
        ],
      }),
      aggregates,
      { A: { judge: summaryOf([1, 2]) } },
      0.05,
    );
    expect(out.metrics[1]?.variants.map((v) => [v.n, v.sum])).toEqual([
      [2, 3],
      [0, 0],
    ]);
    const slice = out.dimensions[0]?.slices[0];
    expect(slice?.metrics.map((metric) => metric.name)).toEqual(["thumbs_up"]);
    expect(out.metrics.every((metric) => metric.unit !== undefined)).toBe(true);
  });
});

describe("a bandit on an execution-unit score", () => {
  const engines: Abkit[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });

  it("moves traffic to the arm whose executions score better", async () => {
    const abkit = createAbkit({ store: memoryStore(), banditCheckMs: 0 });
    engines.push(abkit);
    await abkit.experiments.create({
      key: "prompt-bandit",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
      metrics: [{ name: "solved", kind: "mean", unit: "execution", primary: true }],
      bandit: { floor: 5 },
    });
    await abkit.experiments.start("prompt-bandit");
    const rates: Record<string, number> = { a: 0.3, b: 0.6 };
    const random = seededRandom(7);
    let made: Awaited<ReturnType<Abkit["experiments"]["rebalance"]>> | undefined;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 100; i++) {
        const { variantKey } = await abkit.evaluate({
          experimentKey: "prompt-bandit",
          entityId: `u${round}-${i}`,
        });
        const arm = variantKey as string;
        const { logId } = await abkit.log("prompt-bandit", { variantKey: arm });
        const value = random() < (rates[arm] ?? 0) ? 1 : 0;
        await abkit.score({ logId, name: "solved", value });
      }
      made = await abkit.experiments.rebalance("prompt-bandit");
    }
    expect(made?.weights.b).toBeGreaterThan(80);
    const read = await abkit.results("prompt-bandit");
    expect(read.bandit?.arms.find((arm) => arm.variantKey === "b")?.chanceToBeBest).toBeGreaterThan(
      0.95,
    );
  });
});
