import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { adjustPValues } from "../../src/engine/results/comparisons.js";
import type { Comparison, MetricResult } from "../../src/engine/results/resultTypes.js";
import type { Experiment } from "../../src/schema/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import { binomial, seededRandom } from "../stats/binomialSimulation.js";
import { runningExperiment } from "../support/experiment.js";

// A made-up set of raw p-values: treatments B and C of each metric.
const RAW: Record<string, { primary?: boolean; guardrail?: boolean; p: (number | null)[] }> = {
  primary: { primary: true, p: [0.01, 0.04] },
  s1: { p: [0.01, 0.04] },
  s2: { p: [0.03, 0.005] },
  s3: { p: [null, null] },
  g: { guardrail: true, p: [0.001, 0.2] },
};

function metrics(): MetricResult[] {
  return Object.entries(RAW).map(([name, { primary = false, guardrail, p }]) => ({
    name,
    primary,
    ...(guardrail ? { guardrail: { harm: "increase", tolerance: 0.1 } } : {}),
    variants: [
      { comparison: null },
      ...p.map((pValue) => ({ comparison: { pValue, pValueAdjusted: null, adjustment: null } })),
    ],
  })) as unknown as MetricResult[];
}

const read = (result: MetricResult[], name: string) =>
  result
    .find((metric) => metric.name === name)
    ?.variants.slice(1)
    .map((variant) => {
      const comparison = variant.comparison as Comparison;
      return [comparison.pValueAdjusted, comparison.adjustment] as const;
    });

describe("corrections across metrics", () => {
  it("correct the secondary metrics as one family (Holm), the primary apart, guardrails not", () => {
    const result = metrics();
    adjustPValues(result, "holm", "metrics");
    // Secondary family, m = 4 (s3 has no p-values): sorted 0.005, 0.01, 0.03, 0.04 ->
    // 4 · 0.005 = 0.02, 3 · 0.01 = 0.03, 2 · 0.03 = 0.06, max(0.06, 1 · 0.04) = 0.06.
    const secondary = { method: "holm", across: "metrics", tests: 4 };
    expect(read(result, "s1")).toEqual([
      [expect.closeTo(0.03, 12), secondary],
      [expect.closeTo(0.06, 12), secondary],
    ]);
    expect(read(result, "s2")).toEqual([
      [expect.closeTo(0.06, 12), secondary],
      [expect.closeTo(0.02, 12), secondary],
    ]);
    expect(read(result, "s3")).toEqual([
      [null, null],
      [null, null],
    ]);
    // Primary, m = 2: 2 · 0.01 = 0.02, max(0.02, 0.04) = 0.04.
    const primary = { method: "holm", across: "variants", tests: 2 };
    expect(read(result, "primary")).toEqual([
      [expect.closeTo(0.02, 12), primary],
      [expect.closeTo(0.04, 12), primary],
    ]);
    expect(read(result, "g")).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it("take Benjamini-Hochberg when asked", () => {
    const result = metrics();
    adjustPValues(result, "benjamini-hochberg", "metrics");
    // m = 4, from the largest: 4 · 0.04 / 4 = 0.04, min(0.04, 4 · 0.03 / 3 = 0.04) = 0.04,
    // 4 · 0.01 / 2 = 0.02, min(0.02, 4 · 0.005 / 1 = 0.02) = 0.02.
    const secondary = { method: "benjamini-hochberg", across: "metrics", tests: 4 };
    expect(read(result, "s1")).toEqual([
      [expect.closeTo(0.02, 12), secondary],
      [expect.closeTo(0.04, 12), secondary],
    ]);
    expect(read(result, "s2")).toEqual([
      [expect.closeTo(0.04, 12), secondary],
      [expect.closeTo(0.02, 12), secondary],
    ]);
  });

  it("keep the per-metric and all-metrics families", () => {
    const perMetric = metrics();
    adjustPValues(perMetric, "holm", "variants");
    // s2 alone: 2 · 0.005 = 0.01, max(0.01, 0.03) = 0.03; the guardrail: 2 · 0.001 = 0.002.
    expect(read(perMetric, "s2")).toEqual([
      [expect.closeTo(0.03, 12), { method: "holm", across: "variants", tests: 2 }],
      [expect.closeTo(0.01, 12), { method: "holm", across: "variants", tests: 2 }],
    ]);
    expect(read(perMetric, "g")?.[0]).toEqual([
      expect.closeTo(0.002, 12),
      { method: "holm", across: "variants", tests: 2 },
    ]);
    const all = metrics();
    adjustPValues(all, "holm", "metrics-and-variants");
    // Primary and secondary together, m = 6: sorted 0.005, 0.01, 0.01, 0.03, 0.04, 0.04 ->
    // 0.03, 0.05, 0.05, 0.09, 0.09, 0.09 (running maximum of 6p, 5p, 4p, 3p, 2p, p).
    const family = { method: "holm", across: "metrics-and-variants", tests: 6 };
    expect(read(all, "s2")).toEqual([
      [expect.closeTo(0.09, 12), family],
      [expect.closeTo(0.03, 12), family],
    ]);
    expect(read(all, "primary")?.[0]).toEqual([expect.closeTo(0.05, 12), family]);
  });

  // Ten secondary metrics where nothing changed, 2 arms of 2,000 users, at 10% each: the
  // chance that any of them reads significant. Uncorrected it is 1 - 0.95^10 ≈ 40%.
  it("keep the family-wise false-positive rate of 10 null secondary metrics at alpha", () => {
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const experiment: Experiment = runningExperiment({
      metrics: [
        { name: "thumbs_up", kind: "binomial", primary: true },
        ...names.map((name) => ({ name, kind: "count" as const, primary: false })),
      ],
    });
    const next = seededRandom(1203);
    const runs = 1000;
    let corrected = 0;
    let raw = 0;
    for (let run = 0; run < runs; run++) {
      const side = () => {
        const entities = binomial(2000, 0.1, next);
        return { events: entities, sum: entities, sumSquares: entities, entities };
      };
      const aggregates = {
        ...emptyAggregates(),
        exposures: { A: 2000, B: 2000 },
        metrics: Object.fromEntries(names.map((name) => [name, { A: side(), B: side() }])),
      };
      const results = buildResults(experiment, aggregates, {}, 0.05);
      const comparisons = results.metrics
        .filter((metric) => !metric.primary)
        .map((metric) => metric.variants[1]?.comparison);
      expect(comparisons[0]?.adjustment).toEqual({ method: "holm", across: "metrics", tests: 10 });
      if (comparisons.some((comparison) => (comparison?.pValueAdjusted ?? 1) < 0.05)) corrected++;
      if (comparisons.some((comparison) => (comparison?.pValue ?? 1) < 0.05)) raw++;
    }
    expect(corrected / runs).toBeLessThanOrEqual(0.05);
    expect(raw / runs).toBeGreaterThan(0.3);
  }, 60_000);

  it("report the default correction", () => {
    const results = buildResults(runningExperiment(), emptyAggregates(), {}, 0.05);
    expect(results.correction).toEqual({ method: "holm", across: "metrics" });
  });
});
