import { type ExperimentAggregates, type Store, sketchBucket } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { assignment, eventRecord, logRecord, scoreRecord } from "../src/fixtures.js";
import { type PlannerModel, plannerModel } from "../src/plannerModel.js";
import { replayAgainstPlanner } from "../src/plannerReplay.js";
import { plannerStream } from "../src/plannerStreams.js";

const P = "p";
const E = "e";

describe("plannerModel", () => {
  it("applies the planner's plans: first writer wins, dedup within and across batches, products, day totals", () => {
    const model = plannerModel();
    const records = [
      { ...assignment(P, E, "u1", "A"), covariates: { x: 2 } },
      assignment(P, E, "u1", "B"),
      assignment(P, E, "u2", "B", "not a time"),
    ];
    expect(model.recordAssignments(records)).toEqual(["A", "A", "B"]);
    expect(model.recordAssignments([assignment(P, E, "u2", "A")])).toEqual(["B"]);
    const day1 = "2026-03-01T10:00:00.000Z";
    const day2 = "2026-03-02T10:00:00.000Z";
    const first = [
      eventRecord("u1", [E], {
        metricName: "tokens",
        value: 3,
        idempotencyKey: "k1",
        timestamp: day1,
      }),
      eventRecord("u1", [E], {
        metricName: "tokens",
        value: 1,
        idempotencyKey: "k1",
        timestamp: day1,
      }),
      eventRecord("u2", [E], { metricName: "tokens", value: -2, timestamp: "not a time" }),
      eventRecord("u3", [E], { metricName: "tokens", value: 5, timestamp: day2 }),
    ];
    expect(model.applyEvents(P, first)).toEqual({ accepted: 3, deduped: 1 });
    const second = [
      eventRecord("u1", [E], { metricName: "tokens", value: 2, idempotencyKey: "k1" }),
      eventRecord("u1", [E], {
        metricName: "cost",
        value: 4,
        idempotencyKey: "k2",
        timestamp: day2,
        crossMetrics: { [E]: ["tokens", "cost"] },
      }),
    ];
    expect(model.applyEvents(P, second)).toEqual({ accepted: 1, deduped: 1 });
    // The same key in another project is new there.
    expect(model.applyEvents("other", [second[0]!])).toEqual({ accepted: 1, deduped: 0 });

    const expected: ExperimentAggregates = {
      exposures: { A: 1, B: 1 },
      exposuresByDay: { "2026-01-02": { A: 1 } },
      metrics: {
        tokens: {
          A: { events: 1, sum: 3, sumSquares: 9, entities: 1 },
          B: { events: 1, sum: -2, sumSquares: 4, entities: 1 },
        },
        cost: { A: { events: 1, sum: 4, sumSquares: 16, entities: 1 } },
      },
      covariates: { x: { A: { entities: 1, sum: 2, sumSquares: 4 } } },
      covariateProducts: {
        tokens: { x: { A: { sumXY: 6, sumXWithEvent: 2 } } },
        cost: { x: { A: { sumXY: 8, sumXWithEvent: 2 } } },
      },
      crossProducts: { cost: { tokens: { A: 12 } } },
      // u2's event has no day: it counts in the metric only.
      eventsByDay: {
        tokens: { "2026-03-01": { A: 1 } },
        cost: { "2026-03-02": { A: 1 } },
      },
      metricsByDay: {
        tokens: { "2026-03-01": { A: { sum: 3, sumSquares: 9, entities: 1 } } },
        cost: { "2026-03-02": { A: { sum: 4, sumSquares: 16, entities: 1 } } },
      },
      slices: {},
    };
    expect(model.readAggregates(P, E)).toEqual(expected);
    const totals = (entityId: string, fromDay: string, toDay: string) =>
      model.readEntityTotals(P, [{ entityId, metrics: ["tokens", "cost"], fromDay, toDay }])[0];
    expect(totals("u1", "2026-03-01", "2026-03-03")).toEqual({ tokens: 3, cost: 4 });
    expect(totals("u1", "2026-03-02", "2026-03-03")).toEqual({ tokens: 0, cost: 4 });
    expect(totals("u3", "2026-03-01", "2026-03-03")).toEqual({ tokens: 5, cost: 0 });
    // An unparsable time counts on no day.
    expect(totals("u2", "2026-01-01", "2026-12-31")).toEqual({ tokens: 0, cost: 0 });
  });

  it("sums log metrics and their squares per variant with their sketch buckets", () => {
    const model = plannerModel();
    model.appendLog(logRecord(P, E, { variantKey: "A", metrics: { latency_ms: 2, cost: 0 } }));
    model.appendLog(logRecord(P, E, { variantKey: "A", metrics: { latency_ms: -4 } }));
    expect(model.readLogSummaries(P, E)).toEqual({
      A: {
        latency_ms: {
          count: 2,
          sum: -2,
          sumSquares: 20, // 2² + (-4)²
          squared: 2,
          buckets: { [sketchBucket(2)]: 1, [sketchBucket(-4)]: 1 },
        },
        cost: { count: 1, sum: 0, sumSquares: 0, squared: 1, buckets: { z: 1 } },
      },
    });
    expect(model.readLogSummaries(P, "other")).toEqual({});
  });
});

describe("plannerModel scores", () => {
  it("keeps the first score of a key, counts it as a log metric value, and refuses unknown or other projects' logs", () => {
    const model = plannerModel();
    const log = logRecord(P, E, { variantKey: "A", metrics: {} });
    model.appendLog(log);
    const first = scoreRecord(P, E, log.id, { variantKey: "A", value: 2 });
    expect(model.attachScore(first)).toEqual({ score: first, created: true });
    expect(model.attachScore({ ...first, value: 5 })).toEqual({ score: first, created: false });
    expect(model.attachScore(scoreRecord(P, E, "log_unknown", { variantKey: "A" }))).toBeNull();
    expect(model.attachScore(scoreRecord("other", E, log.id, { variantKey: "A" }))).toBeNull();
    expect(model.readLogSummaries(P, E)).toEqual({
      A: {
        judge: { count: 1, sum: 2, sumSquares: 4, squared: 1, buckets: { [sketchBucket(2)]: 1 } },
      },
    });
  });
});

describe("replayAgainstPlanner", () => {
  it("passes a store that applies the planner's plans", async () => {
    await expect(
      replayAgainstPlanner(storeOver(plannerModel()), plannerStream(3), "seed 3"),
    ).resolves.toBeDefined();
  });

  it("fails a store that keeps sums as integers, naming the seed and the read", async () => {
    const model = plannerModel();
    const store = storeOver(model, {
      readAggregates: async (projectId, experimentId) => {
        const aggregates = model.readAggregates(projectId, experimentId);
        for (const variants of Object.values(aggregates.metrics)) {
          for (const cell of Object.values(variants)) cell.sum = Math.trunc(cell.sum);
        }
        return aggregates;
      },
    });
    await expect(replayAgainstPlanner(store, plannerStream(3), "seed 3")).rejects.toThrow(
      /^seed 3, .*: readAggregates\(/,
    );
  });

  it("fails a store whose log summaries leave out the sums of squares", async () => {
    const model = plannerModel();
    const store = storeOver(model, {
      readLogSummaries: async (projectId, experimentId) => {
        const summaries = model.readLogSummaries(projectId, experimentId);
        for (const metrics of Object.values(summaries)) {
          for (const summary of Object.values(metrics)) delete summary.sumSquares;
        }
        return summaries;
      },
    });
    await expect(replayAgainstPlanner(store, plannerStream(3), "seed 3")).rejects.toThrow(
      /^seed 3, .*: readLogSummaries\(/,
    );
  });

  it("fails a store that counts a repeated score key again, naming the score step", async () => {
    const model = plannerModel();
    let calls = 0;
    const store = storeOver(model, {
      attachScore: async (score) => model.attachScore({ ...score, key: `${score.key}-${calls++}` }),
    });
    await expect(replayAgainstPlanner(store, plannerStream(3), "seed 3")).rejects.toThrow(
      /^seed 3, step \d+ \(score\)/,
    );
  });

  it("fails a store whose toDay is inclusive", async () => {
    const model = plannerModel();
    const store = storeOver(model, {
      readEntityTotals: async (projectId, requests) =>
        model.readEntityTotals(
          projectId,
          requests.map((request) => ({ ...request, toDay: nextDay(request.toDay) })),
        ),
    });
    await expect(replayAgainstPlanner(store, plannerStream(4), "seed 4")).rejects.toThrow(
      /^seed 4, .*: readEntityTotals\(/,
    );
  });
});

// --- Internal helpers ---

// A store over a model: the calls the planner group makes, with some of them replaced.
function storeOver(model: PlannerModel, replaced: Partial<Store> = {}): Store {
  const store: Partial<Store> = {
    recordAssignments: async (records) => model.recordAssignments(records),
    applyEvents: async (projectId, events) => model.applyEvents(projectId, events),
    appendLog: async (record) => model.appendLog(record),
    attachScore: async (score) => model.attachScore(score),
    readAggregates: async (projectId, experimentId) =>
      model.readAggregates(projectId, experimentId),
    readEntityTotals: async (projectId, requests) => model.readEntityTotals(projectId, requests),
    readLogSummaries: async (projectId, experimentId) =>
      model.readLogSummaries(projectId, experimentId),
    ...replaced,
  };
  return store as Store;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
