import { describe, expect, it } from "vitest";
import {
  aggregatedMetrics,
  aggregatesFromCounters,
  counterId,
  logSummariesFromCounters,
} from "../../src/aggregation/counters.js";
import type { ExperimentAggregates } from "../../src/store.js";

describe("counterId", () => {
  it("names each family's counters with `/`-joined parts", () => {
    expect(counterId.exposures("control")).toBe("exposures/control");
    expect(counterId.exposuresByDay("2026-03-01", "B")).toBe("exposuresByDay/2026-03-01/B");
    expect(counterId.metric("revenue", "A", "sumSquares")).toBe("metric/revenue/A/sumSquares");
    expect(counterId.covariate("age", "A", "entities")).toBe("covariate/age/A/entities");
    expect(counterId.covariateProduct("revenue", "age", "B", "sumXWithEvent")).toBe(
      "covariateProduct/revenue/age/B/sumXWithEvent",
    );
    expect(counterId.crossProduct("orders", "revenue", "A")).toBe("crossProduct/orders/revenue/A");
    expect(counterId.metricByDay("clicks", "2026-03-01", "A", "sumSquares")).toBe(
      "metricByDay/clicks/2026-03-01/A/sumSquares",
    );
    expect(counterId.log("A", "latency", "count")).toBe("log/A/latency/count");
    expect(counterId.log("A", "latency", "sum")).toBe("log/A/latency/sum");
    expect(counterId.logBucket("A", "latency", "p241")).toBe("log/A/latency/bucket/p241");
  });
});

describe("aggregatesFromCounters", () => {
  it("reads back every family written under counterId's names", () => {
    const aggregates = aggregatesFromCounters([
      [counterId.exposures("A"), 10],
      [counterId.exposures("B"), 12],
      [counterId.exposuresByDay("2026-03-01", "A"), 4],
      [counterId.exposuresByDay("2026-03-02", "A"), 6],
      [counterId.metric("clicks", "A", "events"), 7],
      [counterId.metric("clicks", "A", "sum"), 9],
      [counterId.metric("clicks", "A", "sumSquares"), 17],
      [counterId.metric("clicks", "A", "entities"), 5],
      [counterId.covariate("age", "B", "entities"), 3],
      [counterId.covariate("age", "B", "sum"), 90],
      [counterId.covariate("age", "B", "sumSquares"), 2900],
      [counterId.covariateProduct("clicks", "age", "A", "sumXY"), 150],
      [counterId.covariateProduct("clicks", "age", "A", "sumXWithEvent"), 60],
      [counterId.crossProduct("orders", "revenue", "B"), 42],
      [counterId.eventsByDay("clicks", "2026-03-01", "A"), 3],
      [counterId.eventsByDay("clicks", "2026-03-02", "A"), 4],
      [counterId.metricByDay("clicks", "2026-03-01", "A", "sum"), 2.5],
      [counterId.metricByDay("clicks", "2026-03-01", "A", "sumSquares"), 6.25],
      [counterId.metricByDay("clicks", "2026-03-01", "A", "entities"), 1],
      [counterId.metricByDay("clicks", "2026-03-02", "B", "sum"), -1],
    ]);
    expect(aggregates).toEqual({
      exposures: { A: 10, B: 12 },
      exposuresByDay: { "2026-03-01": { A: 4 }, "2026-03-02": { A: 6 } },
      metrics: { clicks: { A: { events: 7, sum: 9, sumSquares: 17, entities: 5 } } },
      covariates: { age: { B: { entities: 3, sum: 90, sumSquares: 2900 } } },
      covariateProducts: { clicks: { age: { A: { sumXY: 150, sumXWithEvent: 60 } } } },
      crossProducts: { orders: { revenue: { B: 42 } } },
      eventsByDay: { clicks: { "2026-03-01": { A: 3 }, "2026-03-02": { A: 4 } } },
      metricsByDay: {
        clicks: {
          "2026-03-01": { A: { sum: 2.5, sumSquares: 6.25, entities: 1 } },
          "2026-03-02": { B: { sum: -1, sumSquares: 0, entities: 0 } },
        },
      },
      slices: {},
    } satisfies ExperimentAggregates);
  });

  it("is empty aggregates without counters", () => {
    expect(aggregatesFromCounters([])).toEqual({
      exposures: {},
      exposuresByDay: {},
      metrics: {},
      covariates: {},
      covariateProducts: {},
      crossProducts: {},
      eventsByDay: {},
      metricsByDay: {},
      slices: {},
    });
  });

  it("fills the fields a cell has no counter for with 0", () => {
    const aggregates = aggregatesFromCounters([
      [counterId.metric("clicks", "A", "sum"), 3],
      [counterId.covariate("age", "A", "sumSquares"), 400],
      [counterId.covariateProduct("clicks", "age", "A", "sumXY"), 20],
    ]);
    expect(aggregates.metrics.clicks?.A).toEqual({ events: 0, sum: 3, sumSquares: 0, entities: 0 });
    expect(aggregates.covariates.age?.A).toEqual({ entities: 0, sum: 0, sumSquares: 400 });
    expect(aggregates.covariateProducts.clicks?.age?.A).toEqual({ sumXY: 20, sumXWithEvent: 0 });
  });

  it("ignores families it does not know and ids of the wrong length", () => {
    const aggregates = aggregatesFromCounters([
      ["log/A/latency/count", 3],
      ["futureFamily/A/x", 1],
      ["exposures", 5],
      ["exposures/A/extra", 5],
      ["exposuresByDay/A", 5],
      ["metric/clicks/A", 5],
      ["metric/clicks/A/sum/extra", 5],
      ["covariate/age/A", 5],
      ["covariateProduct/clicks/age/A", 5],
      ["crossProduct/a/b", 5],
      ["metricByDay/clicks/2026-03-01/A", 5],
      ["metricByDay/clicks/2026-03-01/A/events", 5],
      ["", 5],
    ]);
    expect(aggregates).toEqual(aggregatesFromCounters([]));
  });

  it("ignores fields a cell does not have, keeping the ones it has", () => {
    const aggregates = aggregatesFromCounters([
      [counterId.metric("clicks", "A", "events"), 2],
      ["metric/clicks/A/median", 99],
      ["metric/clicks/A/constructor", 99],
      ["metric/clicks/A/__proto__", 99],
      ["covariate/age/A/sum", 5],
      ["covariate/age/A/mean", 99],
      ["covariateProduct/clicks/age/A/sumXY", 4],
      ["covariateProduct/clicks/age/A/toString", 99],
    ]);
    const cell = aggregates.metrics.clicks?.A;
    expect(cell).toEqual({ events: 2, sum: 0, sumSquares: 0, entities: 0 });
    expect(Object.getPrototypeOf(cell)).toBe(Object.prototype);
    expect(Object.keys(cell ?? {})).toEqual(["events", "sum", "sumSquares", "entities"]);
    expect(aggregates.covariates.age?.A).toEqual({ entities: 0, sum: 5, sumSquares: 0 });
    expect(aggregates.covariateProducts.clicks?.age?.A).toEqual({ sumXY: 4, sumXWithEvent: 0 });
  });

  it("creates no cell, and counts no metric, from an unknown field alone", () => {
    const ids = ["metric/views/A/median", "covariate/age/B/mean", "covariateProduct/m/c/A/x"];
    const aggregates = aggregatesFromCounters(ids.map((id) => [id, 1] as const));
    expect(aggregates.metrics).toEqual({});
    expect(aggregates.covariates).toEqual({});
    expect(aggregates.covariateProducts).toEqual({});
    expect(aggregatedMetrics(ids)).toEqual(new Set());
  });

  it("keeps names such as constructor and toString as plain data, never the prototype's", () => {
    const aggregates = aggregatesFromCounters([
      [counterId.exposures("constructor"), 3],
      [counterId.exposuresByDay("2026-03-01", "toString"), 2],
      [counterId.metric("constructor", "toString", "events"), 4],
      [counterId.metric("hasOwnProperty", "valueOf", "sum"), 6],
      [counterId.covariate("toString", "constructor", "entities"), 1],
      [counterId.covariateProduct("constructor", "valueOf", "toString", "sumXY"), 8],
      [counterId.crossProduct("constructor", "toString", "valueOf"), 9],
      [counterId.eventsByDay("toString", "2026-03-01", "constructor"), 5],
      [counterId.metricByDay("valueOf", "2026-03-01", "toString", "sum"), 7],
    ]);
    expect(Object.hasOwn(aggregates.exposures, "constructor")).toBe(true);
    expect(aggregates).toEqual({
      exposures: { constructor: 3 },
      exposuresByDay: { "2026-03-01": { toString: 2 } },
      metrics: {
        constructor: { toString: { events: 4, sum: 0, sumSquares: 0, entities: 0 } },
        hasOwnProperty: { valueOf: { events: 0, sum: 6, sumSquares: 0, entities: 0 } },
      },
      covariates: { toString: { constructor: { entities: 1, sum: 0, sumSquares: 0 } } },
      covariateProducts: { constructor: { valueOf: { toString: { sumXY: 8, sumXWithEvent: 0 } } } },
      crossProducts: { constructor: { toString: { valueOf: 9 } } },
      eventsByDay: { toString: { "2026-03-01": { constructor: 5 } } },
      metricsByDay: {
        valueOf: { "2026-03-01": { toString: { sum: 7, sumSquares: 0, entities: 0 } } },
      },
      slices: {},
    });
    // Nothing leaked onto the shared prototype, and the maps hold only what was read.
    expect(Object.keys(aggregates.metrics).sort()).toEqual(["constructor", "hasOwnProperty"]);
    expect({}.constructor).toBe(Object);
    expect({}.toString).toBe(Object.prototype.toString);
  });

  it("keeps a `__proto__` key as an own entry without changing any prototype", () => {
    const aggregates = aggregatesFromCounters([
      [counterId.exposures("__proto__"), 3],
      [counterId.metric("__proto__", "A", "events"), 1],
    ]);
    expect(Object.getOwnPropertyDescriptor(aggregates.exposures, "__proto__")?.value).toBe(3);
    expect(Object.getPrototypeOf(aggregates.exposures)).toBe(Object.prototype);
    expect(Object.keys(aggregates.metrics)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(aggregates.metrics)).toBe(Object.prototype);
    expect((Object.prototype as Record<string, unknown>).A).toBeUndefined();
  });
});

describe("logSummariesFromCounters", () => {
  it("reads counts, sums and sketch buckets per variant and metric", () => {
    const summaries = logSummariesFromCounters([
      [counterId.log("A", "latency", "count"), 3],
      [counterId.log("A", "latency", "sum"), 360],
      [counterId.logBucket("A", "latency", "p241"), 2],
      [counterId.logBucket("A", "latency", "p250"), 1],
      [counterId.log("B", "tokens", "sum"), 50],
      [counterId.logBucket("B", "tokens", "z"), 4],
    ]);
    expect(summaries).toEqual({
      A: { latency: { count: 3, sum: 360, buckets: { p241: 2, p250: 1 } } },
      B: { tokens: { count: 0, sum: 50, buckets: { z: 4 } } },
    });
  });

  it("reads sums of squares and `squared`, and leaves them out of summaries that have none", () => {
    const summaries = logSummariesFromCounters([
      [counterId.log("A", "latency", "count"), 3],
      [counterId.log("A", "latency", "sum"), 6],
      [counterId.log("A", "latency", "sumSquares"), 8],
      [counterId.log("A", "latency", "squared"), 2],
      [counterId.log("B", "latency", "count"), 1],
      [counterId.log("B", "latency", "sum"), 4],
    ]);
    expect(summaries.A?.latency).toEqual({
      count: 3,
      sum: 6,
      sumSquares: 8,
      squared: 2,
      buckets: {},
    });
    expect(Object.keys(summaries.B?.latency ?? {}).sort()).toEqual(["buckets", "count", "sum"]);
  });

  it("ignores aggregate counters, other families and malformed log ids", () => {
    const summaries = logSummariesFromCounters([
      [counterId.log("A", "latency", "count"), 2],
      [counterId.exposures("A"), 3],
      [counterId.metric("latency", "A", "sum"), 3],
      ["log/A/latency", 3],
      ["log/A/latency/median", 3],
      ["log/A/latency/notbucket/p1", 3],
      ["log/A/latency/bucket/p1/extra", 3],
    ]);
    expect(summaries).toEqual({ A: { latency: { count: 2, sum: 0, buckets: {} } } });
  });

  it("keeps variant, metric and bucket names such as constructor as plain data", () => {
    const summaries = logSummariesFromCounters([
      [counterId.log("constructor", "toString", "count"), 2],
      [counterId.logBucket("constructor", "toString", "constructor"), 2],
    ]);
    expect(summaries.constructor?.toString).toEqual({
      count: 2,
      sum: 0,
      buckets: { constructor: 2 },
    });
    expect(Object.getPrototypeOf(summaries)).toBe(Object.prototype);
  });

  it("ignores a `buckets` field id instead of replacing the bucket map", () => {
    const summaries = logSummariesFromCounters([
      [counterId.logBucket("A", "latency", "p1"), 1],
      ["log/A/latency/buckets", 7],
    ]);
    expect(summaries.A?.latency?.buckets).toEqual({ p1: 1 });
  });
});

describe("aggregatedMetrics", () => {
  it("is the set of metrics with a metric counter, whatever the other families", () => {
    const metrics = aggregatedMetrics([
      counterId.metric("clicks", "A", "events"),
      counterId.metric("clicks", "B", "sum"),
      counterId.metric("revenue", "A", "sumSquares"),
      counterId.exposures("A"),
      counterId.covariate("age", "A", "sum"),
      counterId.covariateProduct("orders", "age", "A", "sumXY"),
      counterId.crossProduct("orders", "refunds", "A"),
      counterId.log("A", "latency", "count"),
      "metric/short/A",
    ]);
    expect([...metrics].sort()).toEqual(["clicks", "revenue"]);
  });

  it("is empty without metric counters", () => {
    expect(aggregatedMetrics([]).size).toBe(0);
    expect(aggregatedMetrics([counterId.exposures("A")]).size).toBe(0);
  });
});
