import { type AssignmentRecord, type EventRecord, newId } from "@abkit/core";
import { expect, it } from "vitest";
import { firstOfEachKey, recount, seededRandom, shuffled } from "./expected.js";
import { AT_DAY, assignment, eventRecord, NO_PRODUCTS } from "./fixtures.js";
import { expectCode, type StoreUnderTest } from "./harness.js";

const P = "aggregates-project";

/**
 * The aggregate arithmetic (registered inside the events group): per-entity sums of squares
 * exact against an independent recount, first events of value 0, events before an
 * assignment, all-or-nothing batches, copies out.
 */
export function aggregateCases(ctx: StoreUnderTest): void {
  it("keeps per-entity sums of squares exact across interleaved batches", async () => {
    const workload = makeWorkload(7);
    await ctx.store.recordAssignments(workload.assignments);
    let accepted = 0;
    let deduped = 0;
    for (const batch of workload.batches) {
      const result = await ctx.store.applyEvents(P, batch);
      expect(result.accepted + result.deduped).toBe(batch.length);
      accepted += result.accepted;
      deduped += result.deduped;
    }
    const kept = firstOfEachKey(workload.batches.flat());
    expect({ accepted, deduped }).toEqual({
      accepted: kept.length,
      deduped: workload.batches.flat().length - kept.length,
    });
    for (const [experimentId, assigned] of workload.assigned) {
      expect(await ctx.store.readAggregates(P, experimentId)).toEqual(
        recount(experimentId, assigned, kept),
      );
    }
  });

  it("keeps aggregates exact when batches with overlapping keys are applied concurrently", async () => {
    const workload = makeWorkload(11);
    await ctx.store.recordAssignments(workload.assignments);
    const results = await Promise.all(workload.batches.map((b) => ctx.store.applyEvents(P, b)));
    const kept = firstOfEachKey(workload.batches.flat());
    expect(results.reduce((sum, result) => sum + result.accepted, 0)).toBe(kept.length);
    for (const [experimentId, assigned] of workload.assigned) {
      expect(await ctx.store.readAggregates(P, experimentId)).toEqual(
        recount(experimentId, assigned, kept),
      );
    }
  });

  it("counts an entity on its first event even at value 0 or when its total returns to 0", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments(["u1", "u2", "u3"].map((u) => assignment(P, exp, u, "A")));
    const values: [string, number][] = [
      ["u1", 0],
      ["u2", 3],
      ["u3", 2],
      ["u2", -3],
      ["u3", -2],
      ["u3", 1],
    ];
    await ctx.store.applyEvents(
      P,
      values.slice(0, 3).map(([u, value]) => eventRecord(u, [exp], { value })),
    );
    await ctx.store.applyEvents(
      P,
      values.slice(3).map(([u, value]) => eventRecord(u, [exp], { value })),
    );
    expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({
      output_tokens: { A: { events: 6, sum: 1, sumSquares: 1, entities: 3 } },
    });
  });

  it("does not count an entity's events from before its assignment", async () => {
    const exp = newId("exp");
    await ctx.store.applyEvents(P, [eventRecord("u1", [exp], { value: 5 })]);
    await ctx.store.recordAssignments([assignment(P, exp, "u1", "A")]);
    await ctx.store.applyEvents(P, [eventRecord("u1", [exp], { value: 2 })]);
    expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({
      output_tokens: { A: { events: 1, sum: 2, sumSquares: 4, entities: 1 } },
    });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects a batch holding the value %s and applies none of it",
    async (bad) => {
      const exp = newId("exp");
      await ctx.store.recordAssignments([assignment(P, exp, "u1", "A")]);
      const good = [
        eventRecord("u1", [exp], { idempotencyKey: "before", value: 2 }),
        eventRecord("u1", [exp], { value: 3 }),
      ];
      await ctx.store.applyEvents(P, [good[0]!]);
      const before = await ctx.store.readAggregates(P, exp);
      const batch = [
        eventRecord("u1", [exp], { idempotencyKey: "k-ok", value: 1 }),
        ...good,
        eventRecord("u1", [exp], { idempotencyKey: "k-bad", value: bad }),
      ];
      await expectCode(ctx.store.applyEvents(P, batch), "validation_failed");
      expect(await ctx.store.readAggregates(P, exp)).toEqual(before);
      // Neither key of the rejected batch was burned.
      expect(
        await ctx.store.applyEvents(P, [batch[0]!, { ...batch[3]!, value: 4 }, batch[1]!]),
      ).toEqual({ accepted: 2, deduped: 1 });
      expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({
        output_tokens: { A: { events: 3, sum: 7, sumSquares: 49, entities: 1 } },
      });
    },
  );

  it("returns aggregates as copies", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([assignment(P, exp, "u1", "A")]);
    await ctx.store.applyEvents(P, [eventRecord("u1", [exp], { value: 2 })]);
    const read = await ctx.store.readAggregates(P, exp);
    read.exposures.A = 100;
    read.exposuresByDay[AT_DAY]!.A = 100;
    read.metrics.output_tokens!.A!.sum = 100;
    read.eventsByDay.output_tokens![AT_DAY]!.A = 100;
    read.metricsByDay.output_tokens![AT_DAY]!.A!.sum = 100;
    expect(await ctx.store.readAggregates(P, exp)).toEqual({
      exposures: { A: 1 },
      exposuresByDay: { [AT_DAY]: { A: 1 } },
      metrics: { output_tokens: { A: { events: 1, sum: 2, sumSquares: 4, entities: 1 } } },
      ...NO_PRODUCTS,
      eventsByDay: { output_tokens: { [AT_DAY]: { A: 1 } } },
      metricsByDay: {
        output_tokens: { [AT_DAY]: { A: { sum: 2, sumSquares: 4, entities: 1 } } },
      },
    });
  });
}

// --- Internal helpers ---

interface Workload {
  assignments: AssignmentRecord[];
  /** experiment -> entity -> variant */
  assigned: Map<string, Map<string, string>>;
  batches: EventRecord[][];
}

// Two experiments over 30 entities (some unassigned), two metrics, 400 events with exact
// binary values (negatives, zeros, halves), a third keyed from a pool of 60 keys so keys
// repeat inside and across batches. A key always carries the same event, so which copy
// wins does not change the totals.
function makeWorkload(seed: number): Workload {
  const random = seededRandom(seed);
  const experiments = [newId("exp"), newId("exp")];
  const assigned = new Map(experiments.map((id) => [id, new Map<string, string>()]));
  const assignments: AssignmentRecord[] = [];
  for (let u = 0; u < 30; u++) {
    experiments.forEach((experimentId, e) => {
      if ((u + e) % 5 === 4) return; // unassigned in this experiment
      const variant = ["control", "treatment", "third"][Math.floor(random() * 3)]!;
      assignments.push(assignment(P, experimentId, `user-${u}`, variant));
      assigned.get(experimentId)!.set(`user-${u}`, variant);
    });
  }
  const pick = (): Omit<EventRecord, "id" | "idempotencyKey"> => ({
    entityId: `user-${Math.floor(random() * 32)}`,
    metricName: random() < 0.5 ? "output_tokens" : "latency_ms",
    value: Math.floor(random() * 21 - 5) / 2,
    timestamp: new Date(0).toISOString(),
    experimentIds: random() < 0.8 ? experiments : [experiments[Math.floor(random() * 2)]!],
  });
  const pool = Array.from({ length: 60 }, (_, k) => ({ ...pick(), key: `key-${k}` }));
  const events: EventRecord[] = Array.from({ length: 400 }, () => {
    if (random() < 0.35) {
      const { key, ...rest } = pool[Math.floor(random() * pool.length)]!;
      return { ...rest, id: newId("evt"), idempotencyKey: key };
    }
    return { ...pick(), id: newId("evt"), idempotencyKey: null };
  });
  const batches: EventRecord[][] = [];
  let rest = shuffled(events, random);
  while (rest.length > 0) {
    const size = 1 + Math.floor(random() * 40);
    batches.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  return { assignments, assigned, batches };
}
