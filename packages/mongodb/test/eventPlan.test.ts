import { type EventRecord, newId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import {
  firstOfEachKey,
  planAggregates,
  planDayTotals,
  planTotals,
  validateEvents,
} from "../src/eventPlan.js";

const event = (
  entityId: string,
  value: number,
  overrides: Partial<EventRecord> = {},
): EventRecord => ({
  id: newId("evt"),
  entityId,
  metricName: "tokens",
  value,
  idempotencyKey: null,
  timestamp: "2026-01-02T03:04:05.678Z",
  experimentIds: ["exp_1"],
  ...overrides,
});

// Per entity u with total t_u: sum = Σ t_u, sumSquares = Σ t_u², entities = #u (the contract).
function recount(values: Record<string, number[]>) {
  const totals = Object.values(values).map((list) => list.reduce((a, b) => a + b, 0));
  return {
    events: Object.values(values).flat().length,
    sum: totals.reduce((a, b) => a + b, 0),
    sumSquares: totals.reduce((a, t) => a + t * t, 0),
    entities: totals.length,
  };
}

describe("event batch planning", () => {
  it("keeps every keyless event and the first of each key", () => {
    const events = [
      event("u1", 1, { idempotencyKey: "k1" }),
      event("u1", 2, { idempotencyKey: "k1" }),
      event("u2", 3),
      event("u2", 3),
      event("u3", 4, { idempotencyKey: "k2" }),
      event("u3", 5, { idempotencyKey: "k1" }),
    ];
    expect(firstOfEachKey(events)).toEqual([0, 2, 3, 4]);
    expect(firstOfEachKey([])).toEqual([]);
  });

  it("groups accepted events by running total, only where the entity has a variant", () => {
    const variants = new Map([
      ["exp_1\u0000u1", "A"],
      ["exp_2\u0000u1", "X"],
      ["exp_1\u0000u2", "B"],
    ]);
    const totals = planTotals(
      [
        event("u1", 1, { experimentIds: ["exp_1", "exp_2", "exp_3"] }),
        event("u2", 2),
        event("ghost", 9),
        event("u1", 3, { metricName: "clicks" }),
        event("u1", 4),
      ],
      (experimentId, entityId) => variants.get(`${experimentId}\u0000${entityId}`),
    );
    expect(totals).toEqual([
      {
        experimentId: "exp_1",
        metricName: "tokens",
        entityId: "u1",
        variantKey: "A",
        values: [1, 4],
      },
      { experimentId: "exp_2", metricName: "tokens", entityId: "u1", variantKey: "X", values: [1] },
      { experimentId: "exp_1", metricName: "tokens", entityId: "u2", variantKey: "B", values: [2] },
      { experimentId: "exp_1", metricName: "clicks", entityId: "u1", variantKey: "A", values: [3] },
    ]);
  });

  it("computes deltas that equal a recount across batches, whatever totals came before", () => {
    // Two batches over the same entities: the second starts from the first's totals.
    const first = { u1: [0, 3], u2: [2.5], u3: [-1] };
    const second = { u1: [-3, 1], u2: [0.5], u4: [7] };
    const plan = (
      values: Record<string, number[]>,
      before: Record<string, { sum: number; events: number }>,
    ) =>
      planAggregates(
        Object.entries(values).map(([entityId, list]) => ({
          experimentId: "exp_1",
          metricName: "tokens",
          entityId,
          variantKey: "A",
          values: list,
        })),
        (total) => before[total.entityId] ?? { sum: 0, events: 0 },
      );
    const [a] = plan(first, {});
    expect(a).toMatchObject(recount(first));
    const [b] = plan(second, {
      u1: { sum: 3, events: 2 },
      u2: { sum: 2.5, events: 1 },
      u3: { sum: -1, events: 1 },
    });
    const both = { u1: [0, 3, -3, 1], u2: [2.5, 0.5], u3: [-1], u4: [7] };
    expect({
      events: a!.events + b!.events,
      sum: a!.sum + b!.sum,
      sumSquares: a!.sumSquares + b!.sumSquares,
      entities: a!.entities + b!.entities,
    }).toEqual(recount(both));
  });

  it("counts an entity once, on its first event, even at value 0", () => {
    const [aggregate] = planAggregates(
      [{ experimentId: "e", metricName: "m", entityId: "u", variantKey: "A", values: [0, 0] }],
      () => ({ sum: 0, events: 0 }),
    );
    expect(aggregate).toMatchObject({ events: 2, sum: 0, sumSquares: 0, entities: 1 });
    const [again] = planAggregates(
      [{ experimentId: "e", metricName: "m", entityId: "u", variantKey: "A", values: [2] }],
      () => ({ sum: 0, events: 2 }),
    );
    expect(again).toMatchObject({ events: 1, entities: 0, sumSquares: 4 });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects a batch holding %s, naming the event",
    (bad) => {
      expect(() => validateEvents([event("u", 1), event("u", bad)])).toThrow(
        expect.objectContaining({
          code: "validation_failed",
          message: expect.stringContaining("1.value"),
        }),
      );
    },
  );

  it("sums accepted events per entity, metric and UTC day, assigned or not, dated or skipped", () => {
    const planned = planDayTotals("p", [
      event("u1", 2, { experimentIds: [] }),
      event("u1", 0.5, { timestamp: "2026-01-02T23:30:00-02:00" }),
      event("u1", 3, { timestamp: "2026-01-03T08:00:00Z" }),
      event("u1", 4, { metricName: "orders" }),
      event("u2", -1),
      event("u2", 9, { timestamp: "not a time" }),
    ]);
    expect(planned).toEqual([
      {
        key: { projectId: "p", entityId: "u1", metricName: "tokens", day: "2026-01-02" },
        inc: { total: 2 },
      },
      {
        key: { projectId: "p", entityId: "u1", metricName: "tokens", day: "2026-01-03" },
        inc: { total: 3.5 },
      },
      {
        key: { projectId: "p", entityId: "u1", metricName: "orders", day: "2026-01-02" },
        inc: { total: 4 },
      },
      {
        key: { projectId: "p", entityId: "u2", metricName: "tokens", day: "2026-01-02" },
        inc: { total: -1 },
      },
    ]);
  });
});
