import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import type { Experiment } from "../../src/schema/experiment.js";
import {
  holmAdjust,
  proportionSequentialInterval,
  proportionTest,
  sketchBucket,
  srmTest,
  welchTest,
} from "../../src/stats/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import { runningExperiment } from "../support/experiment.js";

function experiment(overrides: Partial<Experiment> = {}): Experiment {
  return runningExperiment({
    variants: [
      { key: "A", weight: 34, config: null },
      { key: "B", weight: 33, config: null },
      { key: "C", weight: 33, config: null },
    ],
    metrics: [
      { name: "thumbs_up", kind: "binomial", primary: true },
      { name: "spend", kind: "mean", primary: false },
    ],
    ...overrides,
  });
}

const aggregates = {
  ...emptyAggregates(),
  exposures: { A: 1000, B: 990, C: 1010 },
  exposuresByDay: {
    "2026-01-01": { A: 600, B: 590 },
    "2026-01-03": { A: 400, B: 400, C: 1010 },
  },
  metrics: {
    thumbs_up: {
      A: { events: 320, sum: 320, sumSquares: 320, entities: 300 },
      B: { events: 330, sum: 330, sumSquares: 330, entities: 310 },
      C: { events: 400, sum: 400, sumSquares: 400, entities: 380 },
    },
    spend: {
      A: { events: 60, sum: 1200, sumSquares: 30_000, entities: 50 },
      B: { events: 70, sum: 1500, sumSquares: 50_000, entities: 60 },
    },
    clicks: { A: { events: 5, sum: 5, sumSquares: 5, entities: 5 } },
  },
};

describe("buildResults", () => {
  const results = buildResults(experiment(), aggregates, {}, 0.05);

  it("reports exposures and the sample-ratio check against the weights", () => {
    expect(results.variants).toEqual([
      { key: "A", weight: 34, users: 1000 },
      { key: "B", weight: 33, users: 990 },
      { key: "C", weight: 33, users: 1010 },
    ]);
    expect(results.srm).toEqual(srmTest([1000, 990, 1010], [34, 33, 33]));
  });

  it("reads binomial metrics as rates over exposed users, tested by proportions", () => {
    const [a, b, c] = results.metrics[0]!.variants;
    expect(a).toMatchObject({ n: 1000, usersWithEvents: 300, value: 0.3, comparison: null });
    const test = proportionTest({ n: 1000, conversions: 300 }, { n: 1010, conversions: 380 });
    expect(c?.comparison).toMatchObject({
      absolute: test.absolute,
      relative: test.relative,
      pValue: test.pValue,
    });
    // The always-valid interval of a rate is the score-based one, not the Wald se's.
    expect(c?.comparison?.sequential).toEqual(
      proportionSequentialInterval({ n: 1000, conversions: 300 }, { n: 1010, conversions: 380 }),
    );
    // Holm across the metric's two comparisons, beside the raw p-values.
    const raw = [b!.comparison!.pValue, c!.comparison!.pValue];
    expect([b!.comparison!.pValueAdjusted, c!.comparison!.pValueAdjusted]).toEqual(holmAdjust(raw));
    expect(c!.comparison!.pValueAdjusted).toBeGreaterThan(c!.comparison!.pValue!);
    expect(c!.comparison!.chanceToBeatControl).toBeGreaterThan(0.99);
  });

  it("reads mean metrics over the users with an event, tested by Welch", () => {
    const [a, b, c] = results.metrics[1]!.variants;
    expect(a).toMatchObject({ n: 50, value: 24 });
    expect(b?.comparison?.pValue).toBe(
      welchTest({ n: 50, sum: 1200, sumSquares: 30_000 }, { n: 60, sum: 1500, sumSquares: 50_000 })
        .pValue,
    );
    // No user of C has spent: no value and no interval, never NaN.
    expect(c).toMatchObject({ n: 0, value: null });
    expect(c?.comparison).toMatchObject({ pValue: null, absolute: { ci: null } });
  });

  it("lists metrics events carry but the experiment does not declare, read as counts", () => {
    expect(results.metrics.map((metric) => [metric.name, metric.kind, metric.declared])).toEqual([
      ["thumbs_up", "binomial", true],
      ["spend", "mean", true],
      ["clicks", "count", false],
    ]);
    expect(results.metrics[2]!.variants[0]).toMatchObject({ n: 1000, value: 0.005 });
  });

  it("puts a named control first", () => {
    const named = buildResults(experiment({ control: "B" }), aggregates, {}, 0.05);
    expect(named.control).toBe("B");
    expect(named.metrics[0]!.variants.map((variant) => variant.variantKey)).toEqual([
      "B",
      "A",
      "C",
    ]);
    expect(named.metrics[0]!.variants[0]!.comparison).toBeNull();
  });

  it("gives empty numbers, not errors, for an experiment without data", () => {
    const empty = buildResults(experiment(), emptyAggregates(), {}, 0.05);
    expect(empty.srm).toMatchObject({ pValue: 1, mismatch: false });
    expect(empty.metrics[0]!.variants[1]).toMatchObject({ users: 0, value: null });
    expect(empty.logMetrics).toEqual([]);
    expect(empty.exposuresOverTime).toEqual([]);
  });

  it("reports exposures over time, control first, ending at each variant's users", () => {
    const named = buildResults(experiment({ control: "B" }), aggregates, {}, 0.05);
    expect(named.exposuresOverTime).toEqual([
      {
        date: "2026-01-01",
        exposures: { B: 590, A: 600, C: 0 },
        cumulative: { B: 590, A: 600, C: 0 },
      },
      { date: "2026-01-02", exposures: { B: 0, A: 0, C: 0 }, cumulative: { B: 590, A: 600, C: 0 } },
      {
        date: "2026-01-03",
        exposures: { B: 400, A: 400, C: 1010 },
        cumulative: { B: 990, A: 1000, C: 1010 },
      },
    ]);
    expect(Object.keys(named.exposuresOverTime[0]!.exposures)).toEqual(["B", "A", "C"]);
    const last = named.exposuresOverTime.at(-1)!.cumulative;
    expect(named.variants.map((variant) => [variant.key, variant.users])).toEqual(
      Object.entries(last),
    );
  });

  it("reports each metric's counted events over time, control first; none for a ratio", () => {
    const withDays = {
      ...aggregates,
      eventsByDay: { spend: { "2026-01-02": { A: 40, B: 30 }, "2026-01-03": { B: 40 } } },
    };
    const ratio = { name: "per_spend", kind: "ratio" as const, primary: false };
    const built = buildResults(
      experiment({
        control: "B",
        metrics: [...experiment().metrics, { ...ratio, numerator: "clicks", denominator: "spend" }],
      }),
      withDays,
      {},
      0.05,
    );
    const spend = built.metrics.find((metric) => metric.name === "spend")!;
    expect(spend.eventsOverTime).toEqual([
      { date: "2026-01-02", events: { B: 30, A: 40, C: 0 }, cumulative: { B: 30, A: 40, C: 0 } },
      { date: "2026-01-03", events: { B: 40, A: 0, C: 0 }, cumulative: { B: 70, A: 40, C: 0 } },
    ]);
    expect(built.metrics.find((metric) => metric.name === "thumbs_up")!.eventsOverTime).toEqual([]);
    expect(built.metrics.find((metric) => metric.name === "per_spend")!.eventsOverTime).toEqual([]);
  });

  it("summarizes log metrics per variant from their sketches", () => {
    const buckets = { [sketchBucket(100)]: 50, [sketchBucket(1000)]: 50 };
    const withLogs = buildResults(
      experiment(),
      aggregates,
      { B: { latency_ms: { count: 100, sum: 55_000, buckets } } },
      0.05,
    );
    expect(withLogs.logMetrics).toHaveLength(1);
    const [a, b] = withLogs.logMetrics[0]!.variants;
    expect(a).toEqual({
      variantKey: "A",
      count: 0,
      mean: null,
      p50: null,
      p95: null,
      p99: null,
      comparison: null,
    });
    expect(b).toMatchObject({ variantKey: "B", count: 100, mean: 550 });
    expect(b!.p50! / 100).toBeCloseTo(1, 1);
    expect(b!.p99! / 1000).toBeCloseTo(1, 1);
  });
});
