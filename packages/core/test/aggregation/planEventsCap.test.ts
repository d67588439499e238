import { describe, expect, it } from "vitest";
import { planEvents } from "../../src/aggregation/planEvents.js";
import { MAX_AGGREGATED_METRICS } from "../../src/schema/event.js";
import { countersIn, event, MapState, PROJECT, recording } from "./eventState.js";

/** Names `m0`, `m1`... of `count` metrics the experiment already aggregates. */
const names = (count: number) => Array.from({ length: count }, (_, i) => `m${i}`);

/** A state where u1 is assigned to A in e1 and e1 aggregates `metrics` metrics. */
const stateWith = (metrics: number) =>
  new MapState().assign("e1", "u1", "A").withMetrics("e1", names(metrics));

/** Which of the batch's metrics the plan counts in e1. */
function countedIn(plan: ReturnType<typeof planEvents>): string[] {
  const metrics = Object.keys(countersIn(plan, "e1"))
    .filter((id) => id.endsWith("/events"))
    .map((id) => id.split("/")[1]!);
  return metrics.sort();
}

const undeclared = (metricName: string) => event({ metricName, undeclaredIn: ["e1"] });

describe("planEvents: the cap on undeclared metrics", () => {
  it("refuses a new undeclared metric at the cap, which the event still counts elsewhere", () => {
    const state = stateWith(MAX_AGGREGATED_METRICS).assign("e2", "u1", "B");
    const record = event({ metricName: "junk", experimentIds: ["e1", "e2"], undeclaredIn: ["e1"] });
    const plan = planEvents(PROJECT, [record], state);
    expect(plan.accepted).toBe(1);
    expect(countedIn(plan)).toEqual([]);
    expect(countersIn(plan, "e2")["metric/junk/B/events"]).toBe(1);
    expect(plan.totals.map((t) => t.experimentId)).toEqual(["e2"]);
    expect(plan.dayTotals).toHaveLength(1);
  });

  it("takes a new undeclared metric below the cap", () => {
    const plan = planEvents(PROJECT, [undeclared("junk")], stateWith(MAX_AGGREGATED_METRICS - 1));
    expect(countedIn(plan)).toEqual(["junk"]);
  });

  it("always counts a declared metric, without asking for the experiment's metrics", () => {
    const { state, lookups } = recording(stateWith(MAX_AGGREGATED_METRICS + 5));
    const plan = planEvents(PROJECT, [event({ metricName: "declared" })], state);
    expect(countedIn(plan)).toEqual(["declared"]);
    expect(lookups.aggregatedMetrics).toEqual([]);
  });

  it("keeps counting an undeclared metric the experiment already aggregates", () => {
    const plan = planEvents(PROJECT, [undeclared("m7")], stateWith(MAX_AGGREGATED_METRICS));
    expect(countedIn(plan)).toEqual(["m7"]);
  });

  it("counts metrics started earlier in the batch toward the cap", () => {
    const batch = [undeclared("new1"), undeclared("new2"), undeclared("new1")];
    const plan = planEvents(PROJECT, batch, stateWith(MAX_AGGREGATED_METRICS - 1));
    expect(countedIn(plan)).toEqual(["new1"]);
    expect(countersIn(plan, "e1")["metric/new1/A/events"]).toBe(2);
  });

  it("counts a declared metric started earlier in the batch toward the cap", () => {
    const batch = [event({ metricName: "declared" }), undeclared("junk")];
    const plan = planEvents(PROJECT, batch, stateWith(MAX_AGGREGATED_METRICS - 1));
    expect(countedIn(plan)).toEqual(["declared"]);
  });

  it("counts a declared metric started after the experiment's metrics were read", () => {
    const batch = [undeclared("new1"), event({ metricName: "declared" }), undeclared("new2")];
    const plan = planEvents(PROJECT, batch, stateWith(MAX_AGGREGATED_METRICS - 2));
    expect(countedIn(plan)).toEqual(["declared", "new1"]);
  });

  it("starts no metric for an event whose entity has no assignment", () => {
    const state = stateWith(MAX_AGGREGATED_METRICS - 1);
    const batch = [
      event({ entityId: "u2", metricName: "orphan", undeclaredIn: ["e1"] }),
      event({ entityId: "u2", metricName: "orphan" }),
      undeclared("junk"),
    ];
    const plan = planEvents(PROJECT, batch, state);
    expect(countedIn(plan)).toEqual(["junk"]);
  });

  it("applies the cap per experiment, from the experiment's own metrics", () => {
    const state = stateWith(MAX_AGGREGATED_METRICS).assign("e2", "u1", "B");
    state.withMetrics("e2", names(3));
    const record = event({
      metricName: "junk",
      experimentIds: ["e1", "e2"],
      undeclaredIn: ["e1", "e2"],
    });
    const { state: recorded, lookups } = recording(state);
    const plan = planEvents(PROJECT, [record, record], recorded);
    expect(countedIn(plan)).toEqual([]);
    expect(countersIn(plan, "e2")["metric/junk/B/events"]).toBe(2);
    // Read once per experiment, however many events ask.
    expect(lookups.aggregatedMetrics).toEqual(["e1", "e2"]);
  });

  it("does not change the set of metrics the state returns", () => {
    const metrics = new Set(names(3));
    const state = new MapState().assign("e1", "u1", "A");
    state.aggregatedMetrics = () => metrics;
    planEvents(PROJECT, [undeclared("junk"), undeclared("other")], state);
    expect([...metrics]).toEqual(names(3));
  });
});
