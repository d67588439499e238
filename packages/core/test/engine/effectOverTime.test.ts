import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { effectOverTime } from "../../src/engine/results/effectOverTime.js";
import type { EventRecord } from "../../src/schema/event.js";
import type { Metric } from "../../src/schema/experiment.js";
import { sequentialInterval } from "../../src/stats/sequential.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import type { AssignmentRecord } from "../../src/store.js";
import { runningExperiment } from "../support/experiment.js";
import { seededRandom } from "../support/random.js";

const P = "default";
const E = "exp_1";

function assignment(entityId: string, variantKey: string, day: string): AssignmentRecord {
  return { projectId: P, experimentId: E, entityId, variantKey, assignedAt: `${day}T08:00:00Z` };
}

let eventCount = 0;

function eventOn(
  entityId: string,
  metricName: string,
  value: number,
  day: string,
  caps?: EventRecord["caps"],
): EventRecord {
  return {
    id: `evt_${++eventCount}`,
    entityId,
    metricName,
    value,
    idempotencyKey: null,
    timestamp: `${day}T12:00:00Z`,
    experimentIds: [E],
    ...(caps ? { caps } : {}),
  };
}

describe("effectOverTime", () => {
  it("matches a hand recount of each user's total through each of two days", async () => {
    const store = memoryStore();
    await store.recordAssignments([
      assignment("a1", "A", "2026-03-01"),
      assignment("a2", "A", "2026-03-01"),
      assignment("b1", "B", "2026-03-01"),
      assignment("b2", "B", "2026-03-01"),
      assignment("a3", "A", "2026-03-02"),
      assignment("b3", "B", "2026-03-02"),
    ]);
    await store.applyEvents(P, [
      eventOn("a1", "clicks", 2, "2026-03-01"),
      eventOn("b1", "clicks", 3, "2026-03-01"),
      eventOn("b2", "clicks", 1, "2026-03-01"),
      eventOn("a1", "clicks", 1, "2026-03-02"),
      eventOn("a3", "clicks", 4, "2026-03-02"),
      eventOn("b3", "clicks", 2, "2026-03-02"),
      eventOn("b1", "clicks", -1, "2026-03-02"),
    ]);
    const experiment = runningExperiment({
      metrics: [{ name: "clicks", kind: "count", primary: true }],
    });
    const [clicks] = buildResults(experiment, await store.readAggregates(P, E), {}, 0.05).metrics;
    // Through day 1: A's totals [2, 0] (mean 1, s² 2), B's [3, 1] (mean 2, s² 2):
    // effect 1, se = √(2/2 + 2/2) = √2, N = 4.
    // Through day 2: A's [3, 0, 4] (mean 7/3, s² 13/3), B's [2, 1, 2] (mean 5/3, s² 1/3):
    // effect -2/3, se = √(13/9 + 1/9) = √14 / 3, N = 6.
    const expected = [
      { date: "2026-03-01", users: [2, 2], values: [1, 2], estimate: 1, se: Math.SQRT2, n: 4 },
      {
        date: "2026-03-02",
        users: [3, 3],
        values: [7 / 3, 5 / 3],
        estimate: -2 / 3,
        se: Math.sqrt(14) / 3,
        n: 6,
      },
    ];
    expect(clicks?.effectOverTime.map((day) => day.date)).toEqual(["2026-03-01", "2026-03-02"]);
    clicks?.effectOverTime.forEach((day, d) => {
      const want = expected[d]!;
      const [control, treatment] = day.variants;
      expect(day.variants.map((v) => v.variantKey)).toEqual(["A", "B"]);
      expect([control?.users, treatment?.users]).toEqual(want.users);
      expect(control?.value).toBeCloseTo(want.values[0]!, 12);
      expect(treatment?.value).toBeCloseTo(want.values[1]!, 12);
      expect(control?.absolute).toBeNull();
      expect(treatment?.absolute?.estimate).toBeCloseTo(want.estimate, 12);
      const ci = sequentialInterval(want.estimate, want.se, want.n)!.ci;
      expect(treatment?.absolute?.ci?.[0]).toBeCloseTo(ci[0], 10);
      expect(treatment?.absolute?.ci?.[1]).toBeCloseTo(ci[1], 10);
    });
  });

  it("ends, when every exposure and event is dated, on the whole experiment's always-valid interval", async () => {
    const store = memoryStore();
    const random = seededRandom(5);
    const days = ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-04", "2026-04-05"];
    const metrics: Metric[] = [
      { name: "clicks", kind: "count", primary: true },
      { name: "revenue", kind: "sum", primary: false, cap: 12 },
      { name: "latency", kind: "mean", primary: false },
      { name: "converted", kind: "binomial", primary: false },
      { name: "age_adjusted", kind: "sum", primary: false, covariate: "age" },
    ];
    const caps = { [E]: { revenue: 12 } };
    const users: { id: string; day: number }[] = [];
    for (const [d, day] of days.entries()) {
      // New users each day, then the day's events of everyone exposed so far, in time order.
      const fresh = Array.from({ length: 40 + Math.floor(random() * 40) }, (_, i) => ({
        id: `u${d}-${i}`,
        day: d,
      }));
      users.push(...fresh);
      await store.recordAssignments(
        fresh.map((u) => ({
          ...assignment(u.id, random() < 0.5 ? "A" : "B", day),
          covariates: { age: Math.floor(random() * 50) },
        })),
      );
      const events = users.flatMap((u) =>
        random() < 0.4
          ? [
              eventOn(u.id, "clicks", 1 + Math.floor(random() * 3), day),
              eventOn(u.id, "revenue", Math.floor(random() * 10), day, caps),
              eventOn(u.id, "latency", 100 + Math.floor(random() * 50), day),
              eventOn(u.id, "converted", 1, day),
              eventOn(u.id, "age_adjusted", Math.floor(random() * 7), day),
            ]
          : [],
      );
      for (let i = 0; i < events.length; i += 500)
        await store.applyEvents(P, events.slice(i, i + 500));
    }
    const experiment = runningExperiment({ metrics });
    const results = buildResults(experiment, await store.readAggregates(P, E), {}, 0.05);
    for (const metric of results.metrics) {
      expect(
        metric.effectOverTime.map((day) => day.date),
        metric.name,
      ).toEqual(days);
      const last = metric.effectOverTime.at(-1)!;
      metric.variants.forEach((variant, index) => {
        const daily = last.variants[index]!;
        expect(daily.variantKey).toBe(variant.variantKey);
        expect(daily.users).toBe(variant.users);
        expect(daily.value).toBe(variant.value);
        expect(daily.absolute, `${metric.name} ${variant.variantKey}`).toEqual(
          variant.comparison && {
            estimate: variant.comparison.absolute.estimate,
            ci: variant.comparison.sequential?.ci ?? null,
          },
        );
      });
      // Earlier days are over fewer users, and their effect is another one.
      const first = metric.effectOverTime[0]!.variants;
      expect(first[1]!.users, metric.name).toBeLessThan(last.variants[1]!.users);
      expect(first[1]!.absolute?.estimate, metric.name).not.toBe(
        last.variants[1]!.absolute?.estimate,
      );
    }
  });

  it("fills days without data, keeps earlier totals, and is [] for a ratio or without data", () => {
    const aggregates = emptyAggregates();
    aggregates.exposuresByDay = { "2026-05-01": { A: 3, B: 3 }, "2026-05-03": { B: 1 } };
    aggregates.metricsByDay = {
      clicks: { "2026-05-01": { A: { sum: 2, sumSquares: 4, entities: 1 } } },
    };
    const metric = { name: "clicks", kind: "count" as const, direction: "higher" as const };
    const series = effectOverTime(metric, ["A", "B"], aggregates, 0.05);
    expect(series.map((day) => [day.date, day.variants.map((v) => [v.users, v.value])])).toEqual([
      [
        "2026-05-01",
        [
          [3, 2 / 3],
          [3, 0],
        ],
      ],
      [
        "2026-05-02",
        [
          [3, 2 / 3],
          [3, 0],
        ],
      ],
      [
        "2026-05-03",
        [
          [3, 2 / 3],
          [4, 0],
        ],
      ],
    ]);
    expect(effectOverTime({ ...metric, kind: "ratio" }, ["A", "B"], aggregates, 0.05)).toEqual([]);
    expect(effectOverTime(metric, ["A", "B"], emptyAggregates(), 0.05)).toEqual([]);
  });

  it("keeps the estimates but drops the intervals for a bandit", () => {
    const aggregates = emptyAggregates();
    aggregates.exposures = { A: 20, B: 20 };
    aggregates.exposuresByDay = { "2026-05-01": { A: 20, B: 20 } };
    aggregates.metrics = {
      converted: {
        A: { events: 5, sum: 5, sumSquares: 5, entities: 5 },
        B: { events: 9, sum: 9, sumSquares: 9, entities: 9 },
      },
    };
    aggregates.metricsByDay = {
      converted: {
        "2026-05-01": {
          A: { sum: 5, sumSquares: 5, entities: 5 },
          B: { sum: 9, sumSquares: 9, entities: 9 },
        },
      },
    };
    const experiment = runningExperiment({
      metrics: [{ name: "converted", kind: "binomial", primary: true }],
      bandit: { floor: 5, intervalMs: null },
    });
    const [converted] = buildResults(experiment, aggregates, {}, 0.05).metrics;
    expect(converted?.effectOverTime[0]?.variants[1]?.absolute).toEqual({
      estimate: 0.2,
      ci: null,
    });
  });

  it("counts an entity whose event is dated before its exposure as a user from that day", () => {
    const aggregates = emptyAggregates();
    aggregates.exposuresByDay = { "2026-05-02": { A: 2, B: 2 } };
    aggregates.metricsByDay = {
      converted: { "2026-05-01": { B: { sum: 1, sumSquares: 1, entities: 1 } } },
    };
    const metric = { name: "converted", kind: "binomial" as const, direction: "higher" as const };
    const [early, later] = effectOverTime(metric, ["A", "B"], aggregates, 0.05);
    expect(early?.variants.map((v) => [v.users, v.value])).toEqual([
      [0, null],
      [1, 1],
    ]);
    expect(later?.variants.map((v) => [v.users, v.value])).toEqual([
      [2, 0],
      [2, 0.5],
    ]);
  });
});
