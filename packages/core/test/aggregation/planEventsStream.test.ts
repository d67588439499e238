// planEvents against a brute-force recount: a seeded random stream of events, applied in
// random batches through the plans' running totals, must leave the aggregates that counting
// each entity's final totals t_u gives (Σ t_u², Σ x_u·t_u, Σ t_u(A)·t_u(B)...).
import { describe, expect, it } from "vitest";
import { eventReads, planEvents } from "../../src/aggregation/planEvents.js";
import type { EventRecord } from "../../src/schema/event.js";
import { seededRandom } from "../../src/stats/random.js";
import { exposureDay } from "../../src/store/days.js";
import { event, MapState, PROJECT, recording } from "./eventState.js";

const EXPERIMENTS = ["e1", "e2", "e3"];
const METRICS = ["clicks", "orders", "revenue"];
// Ratio metrics list each other (revenue also itself and a repeat, which must not count).
const PARTNERS: Record<string, string[]> = {
  clicks: [],
  orders: ["revenue"],
  revenue: ["orders", "revenue", "orders"],
};
const DAYS = ["2026-03-01T10:00:00.000Z", "2026-03-02T23:59:59.000Z", "2026-03-03T00:00:00Z", "-"];
const SEEDS = [1, 2, 3, 4, 5];

describe("planEvents over a random stream", () => {
  it.each(SEEDS)("leaves the aggregates of a brute-force recount (seed %i)", (seed) => {
    const { state, events, batches } = randomStream(seed);
    for (const batch of batches) {
      const plan = planEvents(PROJECT, batch, state);
      expect(plan.accepted + plan.deduped).toBe(batch.length);
      state.apply(plan);
    }
    const expected = recount(events, state);
    for (const experimentId of EXPERIMENTS) {
      const actual = state.aggregates(experimentId);
      const { metrics, covariateProducts, crossProducts } = expected.aggregates(experimentId);
      expect(nonZero(actual.metrics)).toEqual(metrics);
      expect(nonZero(actual.covariateProducts)).toEqual(covariateProducts);
      expect(nonZero(actual.crossProducts)).toEqual(crossProducts);
    }
    // The non-trivial families really occur in the stream.
    expect(Object.keys(nonZero(state.aggregates("e1").crossProducts)).length).toBeGreaterThan(0);
    expect(Object.keys(nonZero(state.aggregates("e1").covariateProducts)).length).toBeGreaterThan(
      0,
    );
    expect(new Map([...state.totals].sort())).toEqual(new Map([...expected.totals].sort()));
    expect(new Map([...state.dayTotals].sort())).toEqual(new Map([...expected.dayTotals].sort()));
  });

  it.each(SEEDS)("asks the state only for what eventReads lists (seed %i)", (seed) => {
    const { state, batches } = randomStream(seed);
    let asked = 0;
    for (const batch of batches) {
      const { state: recorded, lookups } = recording(state);
      const reads = eventReads(batch);
      state.apply(planEvents(PROJECT, batch, recorded));
      const listed = <T extends object>(list: T[]) => new Set(list.map((x) => JSON.stringify(x)));
      const unlisted = <T extends object>(asked: T[], list: T[]) => {
        const set = listed(list);
        return asked.filter((x) => !set.has(JSON.stringify(x)));
      };
      expect(lookups.seen.filter((key) => !reads.idempotencyKeys.includes(key))).toEqual([]);
      expect(unlisted(lookups.assignment, reads.assignments)).toEqual([]);
      expect(unlisted(lookups.total, reads.totals)).toEqual([]);
      const undeclared = reads.experimentsWithUndeclared;
      expect(lookups.aggregatedMetrics.filter((id) => !undeclared.includes(id))).toEqual([]);
      asked += lookups.total.length + lookups.aggregatedMetrics.length;
    }
    expect(asked).toBeGreaterThan(0);
  });
});

describe("eventReads", () => {
  it("lists each key, assignment, own and partner total, and undeclared experiment once", () => {
    const reads = eventReads([
      event({ idempotencyKey: "k1", experimentIds: ["e1", "e2"], undeclaredIn: ["e2"] }),
      event({ idempotencyKey: "k1" }),
      event({
        entityId: "u2",
        metricName: "revenue",
        experimentIds: ["e1"],
        crossMetrics: { e1: ["orders", "revenue", "orders"], e9: ["refunds"] },
      }),
    ]);
    expect(reads).toEqual({
      idempotencyKeys: ["k1"],
      assignments: [
        { experimentId: "e1", entityId: "u1" },
        { experimentId: "e2", entityId: "u1" },
        { experimentId: "e1", entityId: "u2" },
      ],
      totals: [
        { experimentId: "e1", metricName: "clicks", entityId: "u1" },
        { experimentId: "e2", metricName: "clicks", entityId: "u1" },
        { experimentId: "e1", metricName: "revenue", entityId: "u2" },
        { experimentId: "e1", metricName: "orders", entityId: "u2" },
      ],
      experimentsWithUndeclared: ["e2"],
    });
  });
});

// --- Internal helpers ---

/** Assignments (some with a covariate) in a state, events, and the events cut into batches. */
function randomStream(seed: number) {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const state = new MapState();
  const entities = Array.from({ length: 20 }, (_, i) => `u${i}`);
  for (const experimentId of EXPERIMENTS.slice(0, 2)) {
    for (const entityId of entities) {
      if (next() < 0.2) continue;
      const covariates = next() < 0.6 ? { age: 18 + Math.floor(next() * 50) } : undefined;
      state.assign(experimentId, entityId, pick(["A", "B"]), covariates);
    }
  }
  const events: EventRecord[] = Array.from({ length: 400 }, (_, i) => {
    const metricName = pick(METRICS);
    const experimentIds = EXPERIMENTS.filter(() => next() < 0.6);
    return event({
      id: `evt_${i}`,
      entityId: pick(entities),
      metricName,
      value: Math.floor(next() * 16) - 3,
      idempotencyKey: next() < 0.3 ? null : `k${Math.floor(next() * 300)}`,
      timestamp: pick(DAYS),
      experimentIds,
      crossMetrics: Object.fromEntries(experimentIds.map((id) => [id, PARTNERS[metricName]!])),
      undeclaredIn: experimentIds.filter(() => next() < 0.3),
    });
  });
  const batches: EventRecord[][] = [];
  for (let start = 0; start < events.length; ) {
    const size = 1 + Math.floor(next() * 25);
    batches.push(events.slice(start, start + size));
    start += size;
  }
  return { state, events, batches };
}

/** The totals, day totals and aggregates counted directly from the final totals. */
function recount(events: readonly EventRecord[], state: MapState) {
  const seen = new Set<string>();
  const totals = new Map<string, { events: number; sum: number }>();
  const dayTotals = new Map<string, number>();
  for (const e of events) {
    if (e.idempotencyKey !== null) {
      if (seen.has(e.idempotencyKey)) continue;
      seen.add(e.idempotencyKey);
    }
    const day = exposureDay(e.timestamp);
    const dayId = `${e.entityId}/${e.metricName}/${day}`;
    if (day !== null) dayTotals.set(dayId, (dayTotals.get(dayId) ?? 0) + e.value);
    for (const experimentId of e.experimentIds) {
      if (!state.assignment(experimentId, e.entityId)) continue;
      const id = `${experimentId}/${e.metricName}/${e.entityId}`;
      const total = totals.get(id) ?? { events: 0, sum: 0 };
      totals.set(id, { events: total.events + 1, sum: total.sum + e.value });
    }
  }
  // Each family as path -> value, the paths `nonZero` gives the aggregates' leaves.
  const aggregates = (experimentId: string) => {
    const metrics = new Leaves();
    const covariateProducts = new Leaves();
    const crossProducts = new Leaves();
    for (const [id, { events: n, sum }] of totals) {
      const [e, metric, entityId] = id.split("/") as [string, string, string];
      if (e !== experimentId) continue;
      const { variantKey, covariates } = state.assignment(e, entityId)!;
      metrics.add(`${metric}/${variantKey}/events`, n);
      metrics.add(`${metric}/${variantKey}/sum`, sum);
      metrics.add(`${metric}/${variantKey}/sumSquares`, sum * sum);
      metrics.add(`${metric}/${variantKey}/entities`, 1);
      for (const [name, x] of Object.entries(covariates ?? {})) {
        covariateProducts.add(`${metric}/${name}/${variantKey}/sumXY`, x * sum);
        covariateProducts.add(`${metric}/${name}/${variantKey}/sumXWithEvent`, x);
      }
      const revenue = totals.get(`${e}/revenue/${entityId}`);
      if (metric === "orders" && revenue) {
        crossProducts.add(`orders/revenue/${variantKey}`, sum * revenue.sum);
      }
    }
    return {
      metrics: metrics.nonZero(),
      covariateProducts: covariateProducts.nonZero(),
      crossProducts: crossProducts.nonZero(),
    };
  };
  return { totals, dayTotals, aggregates };
}

/** Sums by path. */
class Leaves {
  readonly #values = new Map<string, number>();

  add(path: string, delta: number): void {
    this.#values.set(path, (this.#values.get(path) ?? 0) + delta);
  }

  nonZero(): Record<string, number> {
    return Object.fromEntries([...this.#values].filter(([, value]) => value !== 0));
  }
}

/** Every numeric leaf of a nested record by its path, zeros left out. */
function nonZero(value: object, path = ""): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, inner] of Object.entries(value)) {
    const at = path === "" ? key : `${path}/${key}`;
    if (typeof inner === "number") {
      if (inner !== 0) out[at] = inner;
    } else Object.assign(out, nonZero(inner as object, at));
  }
  return out;
}
