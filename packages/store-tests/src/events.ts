import { type EventRecord, newId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { aggregateCases } from "./aggregates.js";
import { entityTotalCases } from "./entityTotals.js";
import { firstOfEachKey, recount } from "./expected.js";
import { AT_DAY, assignment, eventRecord, NO_PRODUCTS } from "./fixtures.js";
import { useStore } from "./harness.js";
import { productCases } from "./products.js";
import type { StoreHarness } from "./types.js";

const P = "events-project";

/**
 * Events: `accepted`/`deduped` exact with idempotency keys repeated in a batch, across
 * batches and by concurrent callers; keys scoped per project; attribution only to listed
 * experiments with an assignment; exact aggregates; all-or-nothing batches; per-entity daily
 * totals.
 *
 * @example
 * describe("my store", () => eventsContract({ create: async () => myStore() }));
 */
export function eventsContract(harness: StoreHarness): void {
  describe("events", () => {
    const ctx = useStore(harness);
    const exp = newId("exp");
    const assignU1U2 = () =>
      ctx.store.recordAssignments([assignment(P, exp, "u1", "A"), assignment(P, exp, "u2", "B")]);
    const assigned = new Map([
      ["u1", "A"],
      ["u2", "B"],
    ]);

    it("reads { exposures: {}, exposuresByDay: {}, metrics: {} } for an experiment with no data", async () => {
      expect(await ctx.store.readAggregates(P, newId("exp"))).toEqual({
        exposures: {},
        exposuresByDay: {},
        metrics: {},
        ...NO_PRODUCTS,
      });
    });

    it("applies an empty batch as { accepted: 0, deduped: 0 }", async () => {
      expect(await ctx.store.applyEvents(P, [])).toEqual({ accepted: 0, deduped: 0 });
    });

    it("counts a key repeated inside one batch once; the first occurrence is the one kept", async () => {
      await assignU1U2();
      const batch = [
        eventRecord("u1", [exp], { idempotencyKey: "k1", value: 3 }),
        eventRecord("u1", [exp], { idempotencyKey: "k1", value: 100 }),
        eventRecord("u2", [exp], { idempotencyKey: "k2", value: 5 }),
        eventRecord("u2", [exp], { idempotencyKey: "k1", value: 7 }),
      ];
      expect(await ctx.store.applyEvents(P, batch)).toEqual({ accepted: 2, deduped: 2 });
      expect(await ctx.store.readAggregates(P, exp)).toEqual(
        recount(exp, assigned, [batch[0]!, batch[2]!]),
      );
    });

    it("dedups a key seen in an earlier batch, whatever the event's content", async () => {
      await assignU1U2();
      const first = eventRecord("u1", [exp], { idempotencyKey: "k1", value: 2 });
      expect(await ctx.store.applyEvents(P, [first])).toEqual({ accepted: 1, deduped: 0 });
      const second = [
        eventRecord("u2", [exp], { idempotencyKey: "k1", metricName: "other" }),
        eventRecord("u2", [exp], { idempotencyKey: "k2", value: 4 }),
      ];
      expect(await ctx.store.applyEvents(P, second)).toEqual({ accepted: 1, deduped: 1 });
      expect(await ctx.store.applyEvents(P, second)).toEqual({ accepted: 0, deduped: 2 });
      expect(await ctx.store.readAggregates(P, exp)).toEqual(
        recount(exp, assigned, [first, second[1]!]),
      );
    });

    it("scopes idempotency keys to their project", async () => {
      const event = () => eventRecord("u1", [exp], { idempotencyKey: "shared-key" });
      expect(await ctx.store.applyEvents(P, [event()])).toEqual({ accepted: 1, deduped: 0 });
      expect(await ctx.store.applyEvents("other", [event()])).toEqual({ accepted: 1, deduped: 0 });
      expect(await ctx.store.applyEvents("team:a", [event()])).toEqual({ accepted: 1, deduped: 0 });
      expect(await ctx.store.applyEvents("other", [event()])).toEqual({ accepted: 0, deduped: 1 });
      expect(await ctx.store.applyEvents(P, [event()])).toEqual({ accepted: 0, deduped: 1 });
    });

    it("never dedups events without an idempotency key", async () => {
      await assignU1U2();
      const batch = [eventRecord("u1", [exp]), eventRecord("u1", [exp]), eventRecord("u1", [exp])];
      expect(await ctx.store.applyEvents(P, batch)).toEqual({ accepted: 3, deduped: 0 });
      expect(await ctx.store.applyEvents(P, batch)).toEqual({ accepted: 3, deduped: 0 });
      expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({
        output_tokens: { A: { events: 6, sum: 6, sumSquares: 36, entities: 1 } },
      });
    });

    it("dedups one key sent by 50 concurrent callers exactly once", async () => {
      await assignU1U2();
      const shared = () => eventRecord("u1", [exp], { idempotencyKey: "race", value: 2 });
      const sent = Array.from({ length: 50 }, (_, i) => [
        shared(),
        eventRecord("u2", [exp], { idempotencyKey: `own-${i}`, value: i % 4 }),
      ]);
      const results = await Promise.all(sent.map((batch) => ctx.store.applyEvents(P, batch)));
      const total = (field: "accepted" | "deduped") =>
        results.reduce((sum, result) => sum + result[field], 0);
      expect({ accepted: total("accepted"), deduped: total("deduped") }).toEqual({
        accepted: 51,
        deduped: 49,
      });
      for (const result of results) expect(result.accepted + result.deduped).toBe(2);
      expect(await ctx.store.readAggregates(P, exp)).toEqual(
        recount(exp, assigned, firstOfEachKey(sent.flat())),
      );
    });

    it("accepts events of unassigned entities but counts them nowhere", async () => {
      await assignU1U2();
      const batch: EventRecord[] = [
        eventRecord("ghost", [exp], { idempotencyKey: "g1", value: 9 }),
        eventRecord("u1", [], { value: 9 }),
        eventRecord("u1", [exp], { value: 1 }),
      ];
      expect(await ctx.store.applyEvents(P, batch)).toEqual({ accepted: 3, deduped: 0 });
      expect(await ctx.store.applyEvents(P, [batch[0]!])).toEqual({ accepted: 0, deduped: 1 });
      expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({
        output_tokens: { A: { events: 1, sum: 1, sumSquares: 1, entities: 1 } },
      });
    });

    it("attributes an event to every listed experiment where its entity is assigned, and only those", async () => {
      const [exp1, exp2, exp3, unlisted] = [newId("exp"), newId("exp"), newId("exp"), newId("exp")];
      await ctx.store.recordAssignments([
        assignment(P, exp1, "u1", "A"),
        assignment(P, exp2, "u1", "X"),
        assignment(P, unlisted, "u1", "A"),
      ]);
      const event = eventRecord("u1", [exp1, exp2, exp3], { metricName: "clicks", value: 3 });
      expect(await ctx.store.applyEvents(P, [event])).toEqual({ accepted: 1, deduped: 0 });
      const one = { events: 1, sum: 3, sumSquares: 9, entities: 1 };
      expect(await ctx.store.readAggregates(P, exp1)).toEqual({
        exposures: { A: 1 },
        exposuresByDay: { [AT_DAY]: { A: 1 } },
        metrics: { clicks: { A: one } },
        ...NO_PRODUCTS,
        eventsByDay: { clicks: { [AT_DAY]: { A: 1 } } },
        metricsByDay: { clicks: { [AT_DAY]: { A: { sum: 3, sumSquares: 9, entities: 1 } } } },
      });
      expect((await ctx.store.readAggregates(P, exp2)).metrics).toEqual({ clicks: { X: one } });
      expect(await ctx.store.readAggregates(P, exp3)).toEqual({
        exposures: {},
        exposuresByDay: {},
        metrics: {},
        ...NO_PRODUCTS,
      });
      expect((await ctx.store.readAggregates(P, unlisted)).metrics).toEqual({});
    });

    aggregateCases(ctx);
    productCases(ctx);
    entityTotalCases(ctx);
  });
}
