import { describe, expect, it } from "vitest";
import { planEvents } from "../../src/aggregation/planEvents.js";
import type { EventRecord } from "../../src/schema/event.js";
import type { MetricDayAggregate } from "../../src/store.js";
import { seededRandom } from "../support/random.js";
import { countersIn, event, MapState, PROJECT } from "./eventState.js";

// metricsByDay: each event's moves of its variant's sum and sum of squares, filed under the
// UTC day of its time, and each entity under the day of its first counted event; the days
// through d add up to the aggregates as of the end of d.

const DAYS = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"];

describe("planEvents: metric increments by day", () => {
  it("files each event's moves under its day, the entity under its first event's day", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const batch = [
      event({ value: 2, timestamp: "2026-03-01T10:00:00Z" }),
      event({ value: 3, timestamp: "2026-03-02T10:00:00Z" }),
      event({ value: 1, timestamp: "not a time" }),
    ];
    const counters = countersIn(planEvents(PROJECT, batch, state), "e1");
    expect(
      Object.fromEntries(Object.entries(counters).filter(([id]) => id.startsWith("metricByDay"))),
    ).toEqual({
      "metricByDay/clicks/2026-03-01/A/sum": 2,
      "metricByDay/clicks/2026-03-01/A/sumSquares": 4,
      "metricByDay/clicks/2026-03-01/A/entities": 1,
      // t: 2 -> 5.
      "metricByDay/clicks/2026-03-02/A/sum": 3,
      "metricByDay/clicks/2026-03-02/A/sumSquares": 25 - 4,
      "metricByDay/clicks/2026-03-02/A/entities": 0,
    });
    // The undated event counts in the metric only: 2 + 3 + 1, and 6² in all.
    expect(counters["metric/clicks/A/sum"]).toBe(6);
    expect(counters["metric/clicks/A/sumSquares"]).toBe(36);
  });

  it("adds up, through each day, to a recount of capped totals through that day (events in time order)", () => {
    const random = seededRandom(77);
    const entities = Array.from({ length: 25 }, (_, i) => `u${i}`);
    const variantOf = new Map(entities.map((u) => [u, random() < 0.5 ? "A" : "B"]));
    const state = new MapState();
    for (const u of entities) state.assign("e1", u, variantOf.get(u)!);
    const caps = { e1: { revenue: 5.5 } };
    const sent: EventRecord[] = [];
    // Days in order, several batches a day, each event at a random hour of its day.
    for (const day of DAYS) {
      for (let batch = 0; batch < 3; batch++) {
        const events = Array.from({ length: 1 + Math.floor(random() * 15) }, () =>
          event({
            entityId: entities[Math.floor(random() * entities.length)]!,
            metricName: "revenue",
            value: (Math.floor(random() * 25) - 6) / 4,
            timestamp: `${day}T${String(Math.floor(random() * 24)).padStart(2, "0")}:00:00Z`,
            caps,
          }),
        );
        sent.push(...events);
        state.apply(planEvents(PROJECT, events, state));
      }
    }
    const byDay = state.aggregates("e1").metricsByDay.revenue ?? {};
    DAYS.forEach((day, d) => {
      for (const variant of ["A", "B"]) {
        const through = DAYS.slice(0, d + 1);
        const cumulative = through.reduce(
          (sum, past) => {
            const cell = byDay[past]?.[variant];
            return {
              sum: sum.sum + (cell?.sum ?? 0),
              sumSquares: sum.sumSquares + (cell?.sumSquares ?? 0),
              entities: sum.entities + (cell?.entities ?? 0),
            };
          },
          { sum: 0, sumSquares: 0, entities: 0 } as MetricDayAggregate,
        );
        // The recount: each entity's raw total over its events dated through `day`, capped.
        const totals = new Map<string, number>();
        for (const e of sent) {
          if (variantOf.get(e.entityId) !== variant || !through.includes(e.timestamp.slice(0, 10)))
            continue;
          totals.set(e.entityId, (totals.get(e.entityId) ?? 0) + e.value);
        }
        const capped = [...totals.values()].map((t) => Math.min(t, 5.5));
        expect(cumulative, `${variant} through ${day}`).toEqual({
          sum: capped.reduce((a, b) => a + b, 0),
          sumSquares: capped.reduce((a, b) => a + b * b, 0),
          entities: totals.size,
        });
      }
    });
    // Through the last day: the whole aggregates.
    const whole = state.aggregates("e1").metrics.revenue;
    for (const variant of ["A", "B"]) {
      const days = DAYS.map((day) => byDay[day]?.[variant]);
      expect(days.reduce((sum, cell) => sum + (cell?.sum ?? 0), 0)).toBe(whole?.[variant]?.sum);
      expect(days.reduce((sum, cell) => sum + (cell?.sumSquares ?? 0), 0)).toBe(
        whole?.[variant]?.sumSquares,
      );
    }
  });

  it("still adds up over all days to the aggregates when an entity's events arrive out of time order", () => {
    const state = new MapState().assign("e1", "u1", "A");
    const late = event({ value: 4, timestamp: "2026-03-02T10:00:00Z" });
    const early = event({ value: 3, timestamp: "2026-03-01T10:00:00Z" });
    state.apply(planEvents(PROJECT, [late, early], state));
    const { metrics, metricsByDay } = state.aggregates("e1");
    // Day 1 holds 7² - 4², not 3²: the split by day assumes time order, the total does not.
    expect(metricsByDay.clicks).toEqual({
      "2026-03-02": { A: { sum: 4, sumSquares: 16, entities: 1 } },
      "2026-03-01": { A: { sum: 3, sumSquares: 49 - 16, entities: 0 } },
    });
    expect(metrics.clicks?.A).toMatchObject({ sum: 7, sumSquares: 49, entities: 1 });
  });
});
