import { describe, expect, it } from "vitest";
import { planEvents } from "../../src/aggregation/planEvents.js";
import type { EventRecord } from "../../src/schema/event.js";
import { seededRandom } from "../support/random.js";
import { countersIn, event, MapState, PROJECT } from "./eventState.js";

// Capping: each entity's running total counts as c(t) = min(t, cap) in its variant's sums,
// kept exact as events arrive by moving the sums by c(t+v) - c(t) and c(t+v)² - c(t)².

const CAPS = { e1: { revenue: 10 } };

describe("planEvents: capped metrics", () => {
  it("moves the sums by capped deltas, worked by hand (cap 10: totals 4, 12, 7)", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const batch = [4, 8, -5].map((value) => event({ metricName: "revenue", value, caps: CAPS }));
    const plan = planEvents(PROJECT, batch, state);
    // c(t): 0 -> 4 -> 10 -> 7. Sum moves 4, 6, -3; squares 16, 100 - 16, 49 - 100.
    expect(countersIn(plan, "e1")).toMatchObject({
      "metric/revenue/A/events": 3,
      "metric/revenue/A/sum": 7,
      "metric/revenue/A/sumSquares": 49,
      "metric/revenue/A/entities": 1,
    });
    // The running total stays raw: later events are capped against 7, not 10.
    expect(plan.totals).toEqual([
      { experimentId: "e1", metricName: "revenue", entityId: "u1", events: 3, sum: 7 },
    ]);
  });

  it("caps against the stored raw total: a total above the cap moves nothing until it falls below", () => {
    const state = new MapState().assign("e1", "u1", "A");
    state.totals.set("e1/revenue/u1", { events: 1, sum: 25 });
    const up = planEvents(PROJECT, [event({ metricName: "revenue", value: 5, caps: CAPS })], state);
    expect(countersIn(up, "e1")).toMatchObject({
      "metric/revenue/A/sum": 0,
      "metric/revenue/A/sumSquares": 0,
    });
    // 25 -> 4: c moves from 10 to 4.
    const down = planEvents(
      PROJECT,
      [event({ metricName: "revenue", value: -21, caps: CAPS })],
      state,
    );
    expect(countersIn(down, "e1")).toMatchObject({
      "metric/revenue/A/sum": -6,
      "metric/revenue/A/sumSquares": 16 - 100,
    });
  });

  it("leaves negative totals as they are", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const plan = planEvents(
      PROJECT,
      [event({ metricName: "revenue", value: -30, caps: CAPS })],
      state,
    );
    expect(countersIn(plan, "e1")).toMatchObject({
      "metric/revenue/A/sum": -30,
      "metric/revenue/A/sumSquares": 900,
    });
  });

  it("caps only in the experiment and metric the caps name", () => {
    const state = new MapState().assign("e1", "u1", "A").assign("e2", "u1", "B");
    const batch = [
      event({ metricName: "revenue", value: 50, experimentIds: ["e1", "e2"], caps: CAPS }),
      event({ metricName: "clicks", value: 50, experimentIds: ["e1"], caps: CAPS }),
    ];
    const plan = planEvents(PROJECT, batch, state);
    expect(countersIn(plan, "e1")["metric/revenue/A/sum"]).toBe(10);
    expect(countersIn(plan, "e2")["metric/revenue/B/sum"]).toBe(50);
    expect(countersIn(plan, "e1")["metric/clicks/A/sum"]).toBe(50);
  });

  it("multiplies CUPED covariates by the capped delta", () => {
    const state = new MapState().assign("e1", "u1", "A", { age: 3 });
    const batch = [8, 8].map((value) => event({ metricName: "revenue", value, caps: CAPS }));
    const counters = countersIn(planEvents(PROJECT, batch, state), "e1");
    // Σ x·c(t) = 3 · 10.
    expect(counters["covariateProduct/revenue/age/A/sumXY"]).toBe(30);
    expect(counters["covariateProduct/revenue/age/A/sumXWithEvent"]).toBe(3);
  });

  it("keeps cross products as Σ c_A(t_A)·c_B(t_B), with capped partner totals", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const caps = { e1: { revenue: 10, orders: 2 } };
    const batch = [
      event({ metricName: "orders", value: 3, crossMetrics: { e1: ["revenue"] }, caps }),
      event({ metricName: "revenue", value: 15, crossMetrics: { e1: ["orders"] }, caps }),
      event({ metricName: "orders", value: -2, crossMetrics: { e1: ["revenue"] }, caps }),
    ];
    const counters = countersIn(planEvents(PROJECT, batch, state), "e1");
    // Final capped totals: orders min(1, 2) = 1, revenue min(15, 10) = 10.
    expect(counters["crossProduct/orders/revenue/A"]).toBe(10);
  });

  it("equals a recount of capped per-entity totals on a seeded random stream", () => {
    const random = seededRandom(41);
    const quarter = (min: number, max: number) =>
      (min * 4 + Math.floor(random() * ((max - min) * 4 + 1))) / 4;
    const entities = Array.from({ length: 30 }, (_, i) => `u${i}`);
    const variantOf = new Map(entities.map((u) => [u, random() < 0.5 ? "A" : "B"]));
    const covariateOf = new Map(entities.map((u) => [u, quarter(-3, 3)]));
    const state = new MapState();
    for (const u of entities) state.assign("e1", u, variantOf.get(u)!, { x: covariateOf.get(u)! });
    const caps = { e1: { revenue: 6.5, orders: 2.25 } };
    const sent: EventRecord[] = [];
    for (let batch = 0; batch < 25; batch++) {
      const events = Array.from({ length: 1 + Math.floor(random() * 30) }, () => {
        const metricName = random() < 0.6 ? "revenue" : "orders";
        return event({
          entityId: entities[Math.floor(random() * entities.length)]!,
          metricName,
          value: quarter(-2, 5),
          crossMetrics: { e1: [metricName === "revenue" ? "orders" : "revenue"] },
          caps,
        });
      });
      sent.push(...events);
      state.apply(planEvents(PROJECT, events, state));
    }

    // The recount: each entity's final raw totals, capped once.
    const totals = new Map<string, { revenue: number; orders: number; events: number }>();
    for (const { entityId, metricName, value } of sent) {
      const total = totals.get(entityId) ?? { revenue: 0, orders: 0, events: 0 };
      total[metricName as "revenue" | "orders"] += value;
      totals.set(entityId, total);
    }
    const capped = (t: number, cap: number) => Math.min(t, cap);
    const aggregates = state.aggregates("e1");
    for (const variant of ["A", "B"]) {
      const mine = entities.filter((u) => variantOf.get(u) === variant && totals.has(u));
      const hasEvent = (metric: string) =>
        mine.filter((u) => sent.some((e) => e.entityId === u && e.metricName === metric));
      for (const metric of ["revenue", "orders"] as const) {
        const users = hasEvent(metric);
        const c = (u: string) => capped(totals.get(u)![metric], caps.e1[metric]);
        expect(aggregates.metrics[metric]?.[variant], `${metric} ${variant}`).toEqual({
          events: sent.filter((e) => e.metricName === metric && users.includes(e.entityId)).length,
          sum: users.reduce((sum, u) => sum + c(u), 0),
          sumSquares: users.reduce((sum, u) => sum + c(u) ** 2, 0),
          entities: users.length,
        });
        expect(aggregates.covariateProducts[metric]?.x?.[variant]?.sumXY).toBe(
          users.reduce((sum, u) => sum + covariateOf.get(u)! * c(u), 0),
        );
      }
      expect(aggregates.crossProducts.orders?.revenue?.[variant]).toBe(
        mine.reduce(
          (sum, u) =>
            sum + capped(totals.get(u)!.orders, 2.25) * capped(totals.get(u)!.revenue, 6.5),
          0,
        ),
      );
    }
    // The caps bit: raw sums differ from the capped ones.
    const rawRevenue = sent
      .filter((e) => e.metricName === "revenue" && variantOf.get(e.entityId) === "A")
      .reduce((sum, e) => sum + e.value, 0);
    expect(aggregates.metrics.revenue?.A?.sum).toBeLessThan(rawRevenue);
  });
});
