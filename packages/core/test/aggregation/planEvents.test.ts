import { describe, expect, it } from "vitest";
import { planEvents } from "../../src/aggregation/planEvents.js";
import { countersIn, event, MapState, PROJECT } from "./eventState.js";

describe("planEvents: one event", () => {
  it("counts an entity's first event in its variant, its total and its day", () => {
    const state = new MapState().assign("e1", "u1", "B");
    const record = event({ value: 3 });
    const plan = planEvents(PROJECT, [record], state);
    expect(plan.accepted).toBe(1);
    expect(plan.deduped).toBe(0);
    expect(plan.acceptedEvents).toEqual([record]);
    expect(countersIn(plan, "e1")).toEqual({
      "metric/clicks/B/events": 1,
      "metric/clicks/B/sum": 3,
      "metric/clicks/B/sumSquares": 9,
      "metric/clicks/B/entities": 1,
      "eventsByDay/clicks/2026-03-01/B": 1,
      "metricByDay/clicks/2026-03-01/B/sum": 3,
      "metricByDay/clicks/2026-03-01/B/sumSquares": 9,
      "metricByDay/clicks/2026-03-01/B/entities": 1,
    });
    expect(plan.counters.every((c) => c.projectId === PROJECT)).toBe(true);
    expect(plan.totals).toEqual([
      { experimentId: "e1", metricName: "clicks", entityId: "u1", events: 1, sum: 3 },
    ]);
    expect(plan.dayTotals).toEqual([
      { entityId: "u1", metricName: "clicks", day: "2026-03-01", delta: 3 },
    ]);
  });

  it("moves the sum of squares by (t+v)² - t² from the stored total, which it leaves as is", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const stored = { events: 2, sum: 5 };
    state.totals.set("e1/clicks/u1", stored);
    const plan = planEvents(PROJECT, [event({ value: 3 })], state);
    expect(countersIn(plan, "e1")).toEqual({
      "metric/clicks/A/events": 1,
      "metric/clicks/A/sum": 3,
      "metric/clicks/A/sumSquares": 64 - 25,
      "metric/clicks/A/entities": 0,
      "eventsByDay/clicks/2026-03-01/A": 1,
      "metricByDay/clicks/2026-03-01/A/sum": 3,
      "metricByDay/clicks/2026-03-01/A/sumSquares": 64 - 25,
      "metricByDay/clicks/2026-03-01/A/entities": 0,
    });
    expect(plan.totals).toEqual([
      { experimentId: "e1", metricName: "clicks", entityId: "u1", events: 3, sum: 8 },
    ]);
    expect(stored).toEqual({ events: 2, sum: 5 });
  });

  it("counts an event in each of its experiments where the entity is assigned", () => {
    const state = new MapState().assign("e1", "u1", "A").assign("e3", "u1", "B");
    const plan = planEvents(
      PROJECT,
      [event({ value: 2, experimentIds: ["e1", "e2", "e3"] })],
      state,
    );
    expect(countersIn(plan, "e1")["metric/clicks/A/sum"]).toBe(2);
    expect(countersIn(plan, "e2")).toEqual({});
    expect(countersIn(plan, "e3")["metric/clicks/B/sum"]).toBe(2);
    expect(plan.totals.map((t) => t.experimentId)).toEqual(["e1", "e3"]);
  });

  it("counts an event without an assignment only in its day total", () => {
    const plan = planEvents(PROJECT, [event({ value: 4 })], new MapState());
    expect(plan.accepted).toBe(1);
    expect(plan.counters).toEqual([]);
    expect(plan.totals).toEqual([]);
    expect(plan.dayTotals).toEqual([
      { entityId: "u1", metricName: "clicks", day: "2026-03-01", delta: 4 },
    ]);
  });

  it("counts an event whose time has no day everywhere but the day totals", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const plan = planEvents(PROJECT, [event({ timestamp: "whenever" })], state);
    expect(plan.accepted).toBe(1);
    expect(countersIn(plan, "e1")["metric/clicks/A/events"]).toBe(1);
    expect(plan.dayTotals).toEqual([]);
  });
});

describe("planEvents: a batch", () => {
  it("dedups keys seen before or earlier in the batch, never events without a key", () => {
    const state = new MapState().assign("e1", "u1", "A");
    state.seenKeys.add("k-old");
    const batch = [
      event({ id: "1", idempotencyKey: "k-old", value: 100 }),
      event({ id: "2", idempotencyKey: "k-new", value: 1 }),
      event({ id: "3", idempotencyKey: "k-new", value: 100 }),
      event({ id: "4", value: 2 }),
      event({ id: "5", value: 2 }),
    ];
    const plan = planEvents(PROJECT, batch, state);
    expect(plan.accepted).toBe(3);
    expect(plan.deduped).toBe(2);
    expect(plan.acceptedEvents.map((e) => e.id)).toEqual(["2", "4", "5"]);
    expect(countersIn(plan, "e1")).toMatchObject({
      "metric/clicks/A/events": 3,
      "metric/clicks/A/sum": 5,
    });
    expect(plan.dayTotals).toEqual([
      { entityId: "u1", metricName: "clicks", day: "2026-03-01", delta: 5 },
    ]);
  });

  it("keeps an entity's running total through the batch: exact Σt², entities once", () => {
    const state = new MapState().assign("e1", "u1", "A").assign("e1", "u2", "A");
    const batch = [
      event({ value: 2 }),
      event({ entityId: "u2", value: -1 }),
      event({ value: 3 }),
      event({ value: 0.5 }),
    ];
    const plan = planEvents(PROJECT, batch, state);
    expect(countersIn(plan, "e1")).toEqual({
      "metric/clicks/A/events": 4,
      "metric/clicks/A/sum": 4.5,
      "metric/clicks/A/sumSquares": 5.5 ** 2 + 1,
      "metric/clicks/A/entities": 2,
      "eventsByDay/clicks/2026-03-01/A": 4,
      "metricByDay/clicks/2026-03-01/A/sum": 4.5,
      "metricByDay/clicks/2026-03-01/A/sumSquares": 5.5 ** 2 + 1,
      "metricByDay/clicks/2026-03-01/A/entities": 2,
    });
    expect(plan.totals).toEqual([
      { experimentId: "e1", metricName: "clicks", entityId: "u1", events: 3, sum: 5.5 },
      { experimentId: "e1", metricName: "clicks", entityId: "u2", events: 1, sum: -1 },
    ]);
  });

  it("adds up day totals per entity, metric and UTC day", () => {
    const batch = [
      event({ value: 1, timestamp: "2026-03-01T01:00:00.000Z" }),
      event({ value: 2, timestamp: "2026-03-01T23:00:00.000Z" }),
      event({ value: 4, timestamp: "2026-03-01T23:30:00-02:00" }),
      event({ value: 8, metricName: "orders" }),
      event({ value: 16, entityId: "u2" }),
    ];
    const plan = planEvents(PROJECT, batch, new MapState());
    expect(plan.dayTotals).toEqual([
      { entityId: "u1", metricName: "clicks", day: "2026-03-01", delta: 3 },
      { entityId: "u1", metricName: "clicks", day: "2026-03-02", delta: 4 },
      { entityId: "u1", metricName: "orders", day: "2026-03-01", delta: 8 },
      { entityId: "u2", metricName: "clicks", day: "2026-03-01", delta: 16 },
    ]);
  });

  it("plans nothing for an empty batch", () => {
    expect(planEvents(PROJECT, [], new MapState())).toEqual({
      accepted: 0,
      deduped: 0,
      acceptedEvents: [],
      totals: [],
      counters: [],
      dayTotals: [],
    });
  });
});

describe("planEvents: covariate products", () => {
  it("adds x·value to sumXY on every event and x to sumXWithEvent on the first only", () => {
    const state = new MapState().assign("e1", "u1", "B", { age: 30, score: -2 });
    const first = planEvents(PROJECT, [event({ value: 2 }), event({ value: 5 })], state);
    expect(countersIn(first, "e1")).toMatchObject({
      "covariateProduct/clicks/age/B/sumXY": 30 * 7,
      "covariateProduct/clicks/age/B/sumXWithEvent": 30,
      "covariateProduct/clicks/score/B/sumXY": -2 * 7,
      "covariateProduct/clicks/score/B/sumXWithEvent": -2,
    });
    state.apply(first);
    const second = planEvents(PROJECT, [event({ value: 1 })], state);
    expect(countersIn(second, "e1")).toMatchObject({
      "covariateProduct/clicks/age/B/sumXY": 30,
      "covariateProduct/clicks/age/B/sumXWithEvent": 0,
    });
    state.apply(second);
    expect(state.aggregates("e1").covariateProducts.clicks).toEqual({
      age: { B: { sumXY: 30 * 8, sumXWithEvent: 30 } },
      score: { B: { sumXY: -2 * 8, sumXWithEvent: -2 } },
    });
  });

  it("adds no covariate product for an assignment without covariates", () => {
    const plan = planEvents(PROJECT, [event()], new MapState().assign("e1", "u1", "A"));
    expect(Object.keys(countersIn(plan, "e1")).some((id) => id.startsWith("covariate"))).toBe(
      false,
    );
  });
});

describe("planEvents: events by day", () => {
  it("counts a counted event on the UTC day of its time, per metric and variant; an undated one on no day", () => {
    const state = new MapState().assign("e1", "u1", "A").assign("e1", "u2", "B");
    const batch = [
      event({ value: 2, timestamp: "2026-03-01T23:30:00-02:00" }),
      event({ entityId: "u2", value: 4, timestamp: "2026-03-01T12:00:00Z" }),
      event({ value: 1, timestamp: "not a time" }),
      event({ entityId: "u3", value: 1 }), // no assignment: counts on no variant
    ];
    const counters = countersIn(planEvents(PROJECT, batch, state), "e1");
    const byDay = Object.entries(counters).filter(([id]) => id.startsWith("eventsByDay/"));
    expect(Object.fromEntries(byDay)).toEqual({
      "eventsByDay/clicks/2026-03-02/A": 1,
      "eventsByDay/clicks/2026-03-01/B": 1,
    });
    expect(counters["metric/clicks/A/events"]).toBe(2);
  });
});
