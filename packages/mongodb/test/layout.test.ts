import {
  aggregatesFromCounters,
  type CounterIncrement,
  emptyAggregates,
  logSummariesFromCounters,
} from "@abkit/core";
import { describe, expect, it } from "vitest";
import { checkLayout, LAYOUT_VERSION, type LegacyDocs, legacyCounters } from "../src/layout.js";

const none: LegacyDocs = {
  exposures: [],
  aggregates: [],
  covariates: [],
  covariateProducts: [],
  crossProducts: [],
  logSummaries: [],
};
const E1 = { projectId: "p", experimentId: "exp_1" };
const E2 = { projectId: "p", experimentId: "exp_2" };

// The counters of one experiment, as a store reads them back.
const of = (increments: CounterIncrement[], scope: { projectId: string; experimentId: string }) =>
  increments
    .filter((c) => c.projectId === scope.projectId && c.experimentId === scope.experimentId)
    .map((c) => [c.counter, c.delta] as const);

// Layout-1 documents as that version wrote them: zero documents included (created ahead of a
// write that then counted nothing), which its reads skipped.
const legacy: LegacyDocs = {
  exposures: [
    { ...E1, variantKey: "A", count: 5, days: { "2026-01-01": 2, "2026-01-02": 3 } },
    // Counted before per-day counts existed: no days.
    { ...E1, variantKey: "B", count: 4 },
    { ...E1, variantKey: "C", count: 0, days: { "2026-01-01": 0 } },
    { ...E2, variantKey: "A", count: 1, days: { "2026-01-03": 1, "2026-01-04": 0 } },
  ],
  aggregates: [
    {
      ...E1,
      variantKey: "A",
      metricName: "revenue",
      events: 3,
      sum: 7.5,
      sumSquares: 30.25,
      entities: 2,
    },
    {
      ...E1,
      variantKey: "B",
      metricName: "revenue",
      events: 0,
      sum: 0,
      sumSquares: 0,
      entities: 0,
    },
    { ...E2, variantKey: "A", metricName: "clicks", events: 1, sum: 1, sumSquares: 1, entities: 1 },
  ],
  covariates: [
    { ...E1, variantKey: "A", covariate: "past_orders", entities: 5, sum: 10, sumSquares: 30 },
    { ...E1, variantKey: "B", covariate: "past_orders", entities: 0, sum: 0, sumSquares: 0 },
  ],
  covariateProducts: [
    {
      ...E1,
      variantKey: "A",
      metricName: "revenue",
      covariate: "past_orders",
      sumXY: 12,
      sumXWithEvent: 4,
    },
  ],
  crossProducts: [
    { ...E1, variantKey: "A", metricA: "cost", metricB: "revenue", sum: 0 },
    { ...E1, variantKey: "B", metricA: "cost", metricB: "revenue", sum: 6.5 },
  ],
  logSummaries: [
    {
      ...E1,
      variantKey: "A",
      metricName: "latency_ms",
      count: 2,
      sum: 900,
      buckets: { p241: 1, p250: 1, z: 0 },
    },
    { ...E1, variantKey: "B", metricName: "latency_ms", count: 0, sum: 0, buckets: {} },
    { ...E2, variantKey: "A", metricName: "tokens", count: 1, sum: 42 },
  ],
};

describe("moving layout-1 documents into counters", () => {
  it("reads back as the aggregates layout 1 returned, zero documents left out", () => {
    const counters = legacyCounters(legacy);
    expect(aggregatesFromCounters(of(counters, E1))).toEqual({
      ...emptyAggregates(),
      exposures: { A: 5, B: 4 },
      exposuresByDay: { "2026-01-01": { A: 2 }, "2026-01-02": { A: 3 } },
      metrics: { revenue: { A: { events: 3, sum: 7.5, sumSquares: 30.25, entities: 2 } } },
      covariates: { past_orders: { A: { entities: 5, sum: 10, sumSquares: 30 } } },
      covariateProducts: { revenue: { past_orders: { A: { sumXY: 12, sumXWithEvent: 4 } } } },
      // Product counters exist only where a batch moved them, zero or not.
      crossProducts: { cost: { revenue: { A: 0, B: 6.5 } } },
    });
    expect(aggregatesFromCounters(of(counters, E2))).toEqual({
      ...emptyAggregates(),
      exposures: { A: 1 },
      exposuresByDay: { "2026-01-03": { A: 1 } },
      metrics: { clicks: { A: { events: 1, sum: 1, sumSquares: 1, entities: 1 } } },
    });
  });

  it("reads back as the log summaries layout 1 returned", () => {
    const counters = legacyCounters(legacy);
    expect(logSummariesFromCounters(of(counters, E1))).toEqual({
      A: { latency_ms: { count: 2, sum: 900, buckets: { p241: 1, p250: 1 } } },
    });
    expect(logSummariesFromCounters(of(counters, E2))).toEqual({
      A: { tokens: { count: 1, sum: 42, buckets: {} } },
    });
  });

  it("names each counter once, so applying them once is the whole move", () => {
    const ids = legacyCounters(legacy).map((c) => `${c.projectId}/${c.experimentId}/${c.counter}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps projects apart, and moves nothing for an empty database", () => {
    const other = { projectId: "q", experimentId: "exp_1" };
    const counters = legacyCounters({
      ...none,
      exposures: [{ ...other, variantKey: "A", count: 9 }],
    });
    expect(counters).toEqual([{ ...other, counter: "exposures/A", delta: 9 }]);
    expect(aggregatesFromCounters(of(counters, E1))).toEqual(emptyAggregates());
    expect(legacyCounters(none)).toEqual([]);
  });
});

describe("the layout version", () => {
  it("opens the layouts this version knows", () => {
    expect(LAYOUT_VERSION).toBe(2);
    expect(() => checkLayout(1)).not.toThrow();
    expect(() => checkLayout(LAYOUT_VERSION)).not.toThrow();
  });

  it("refuses a database a newer version laid out with store_version_unsupported", () => {
    expect(() => checkLayout(LAYOUT_VERSION + 1)).toThrow(
      expect.objectContaining({
        code: "store_version_unsupported",
        message: expect.stringContaining("upgrade @abkit/mongodb"),
        details: { store: "mongodb", version: 3, supported: 2 },
      }),
    );
  });
});
