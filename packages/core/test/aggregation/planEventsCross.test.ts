import { describe, expect, it } from "vitest";
import { planEvents } from "../../src/aggregation/planEvents.js";
import { countersIn, event, MapState, PROJECT } from "./eventState.js";

// Ratio metrics: each event adds value · (the entity's total of each partner) to the cross
// product of the pair, so the counter holds Σ_u t_u(A)·t_u(B).
describe("planEvents: cross products", () => {
  it("multiplies the value by the partner's stored total, keyed in string order", () => {
    const state = new MapState().assign("e1", "u1", "A");
    state.totals.set("e1/orders/u1", { events: 2, sum: 3 });
    const revenue = event({ metricName: "revenue", value: 10, crossMetrics: { e1: ["orders"] } });
    const plan = planEvents(PROJECT, [revenue], state);
    expect(countersIn(plan, "e1")["crossProduct/orders/revenue/A"]).toBe(30);
  });

  it("uses the partner's total as moved earlier in the batch, before and after", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const batch = [
      event({ metricName: "revenue", value: 10, crossMetrics: { e1: ["orders"] } }),
      event({ metricName: "orders", value: 1, crossMetrics: { e1: ["revenue"] } }),
      event({ metricName: "revenue", value: 5, crossMetrics: { e1: ["orders"] } }),
      event({ metricName: "orders", value: 2, crossMetrics: { e1: ["revenue"] } }),
    ];
    const plan = planEvents(PROJECT, batch, state);
    // 10·0 + 1·10 + 5·1 + 2·15 = Σ t(orders)·t(revenue) = 3·15.
    expect(countersIn(plan, "e1")["crossProduct/orders/revenue/A"]).toBe(45);
  });

  it("ignores its own metric among the partners and counts a repeated partner once", () => {
    const state = new MapState().assign("e1", "u1", "A");
    state.totals.set("e1/orders/u1", { events: 1, sum: 2 });
    state.totals.set("e1/revenue/u1", { events: 1, sum: 7 });
    const revenue = event({
      metricName: "revenue",
      value: 10,
      crossMetrics: { e1: ["orders", "revenue", "orders"] },
    });
    const counters = countersIn(planEvents(PROJECT, [revenue], state), "e1");
    expect(counters["crossProduct/orders/revenue/A"]).toBe(20);
    expect(Object.keys(counters).filter((id) => id.startsWith("crossProduct"))).toEqual([
      "crossProduct/orders/revenue/A",
    ]);
  });

  it("takes partners only from its own experiment's list", () => {
    const state = new MapState().assign("e1", "u1", "A").assign("e2", "u1", "B");
    state.totals.set("e1/orders/u1", { events: 1, sum: 2 });
    state.totals.set("e2/orders/u1", { events: 1, sum: 4 });
    const revenue = event({
      metricName: "revenue",
      value: 10,
      experimentIds: ["e1", "e2"],
      crossMetrics: { e2: ["orders"] },
    });
    const plan = planEvents(PROJECT, [revenue], state);
    expect(Object.keys(countersIn(plan, "e1")).some((id) => id.startsWith("cross"))).toBe(false);
    expect(countersIn(plan, "e2")["crossProduct/orders/revenue/B"]).toBe(40);
  });

  it("does not write a partner's total the batch never moved and had none of", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const revenue = event({ metricName: "revenue", value: 10, crossMetrics: { e1: ["orders"] } });
    const plan = planEvents(PROJECT, [revenue], state);
    expect(countersIn(plan, "e1")["crossProduct/orders/revenue/A"]).toBe(0);
    expect(plan.totals).toEqual([
      { experimentId: "e1", metricName: "revenue", entityId: "u1", events: 1, sum: 10 },
    ]);
  });

  it("does not write a partner's stored total the batch only read", () => {
    const state = new MapState().assign("e1", "u1", "A");
    state.totals.set("e1/orders/u1", { events: 2, sum: 3 });
    const revenue = event({ metricName: "revenue", value: 10, crossMetrics: { e1: ["orders"] } });
    const plan = planEvents(PROJECT, [revenue], state);
    expect(plan.totals).toEqual([
      { experimentId: "e1", metricName: "revenue", entityId: "u1", events: 1, sum: 10 },
    ]);
  });

  it("writes a partner's total once the batch moves it, with its new absolute value", () => {
    const state = new MapState().assign("e1", "u1", "A");
    state.totals.set("e1/orders/u1", { events: 2, sum: 3 });
    const plan = planEvents(
      PROJECT,
      [
        event({ metricName: "revenue", value: 10, crossMetrics: { e1: ["orders"] } }),
        event({ metricName: "orders", value: 1, crossMetrics: { e1: ["revenue"] } }),
      ],
      state,
    );
    expect(plan.totals).toContainEqual({
      experimentId: "e1",
      metricName: "orders",
      entityId: "u1",
      events: 3,
      sum: 4,
    });
    expect(countersIn(plan, "e1")["crossProduct/orders/revenue/A"]).toBe(30 + 10);
  });
});
