import { newId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import {
  AT_DAY,
  assignment,
  eventRecord,
  experimentRecord,
  flagRecord,
  listed,
  logRecord,
  NO_PRODUCTS,
  segmentRecord,
} from "./fixtures.js";
import { expectCode, useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

// Two projects whose ids a naive key scheme (`prefix:project:...`) could confuse.
const A = "team";
const B = "team:b";

/**
 * Projects are namespaces: nothing of project A (definitions, versions, assignments,
 * aggregates, idempotency keys, logs) is visible from project B.
 *
 * @example
 * describe("my store", () => isolationContract({ create: async () => myStore() }));
 */
export function isolationContract(harness: StoreHarness): void {
  describe("isolation", () => {
    const ctx = useStore(harness);

    it("keeps definitions and their version counters per project", async () => {
      const inA = [
        experimentRecord(A, "checkout"),
        flagRecord(A, "checkout"),
        segmentRecord(A, "es-fr"),
      ] as const;
      await ctx.store.putDefinition("experiment", inA[0], 0);
      await ctx.store.putDefinition("flag", inA[1], 0);
      await ctx.store.putDefinition("segment", inA[2], 0);
      expect(await ctx.store.definitionsVersion(B)).toBe(0);
      expect(await ctx.store.loadDefinitions(B)).toEqual({
        version: 0,
        experiments: [],
        flags: [],
        segments: [],
      });
      await expectCode(ctx.store.deleteDefinition("flag", B, "checkout", 1), "not_found");

      // The same keys are free in B, and B's writes leave A alone.
      const inB = segmentRecord(B, "es-fr", { name: "B's" });
      expect(await ctx.store.putDefinition("segment", inB, 0)).toBe(1);
      expect(await ctx.store.deleteDefinition("segment", B, "es-fr", 1)).toBe(2);
      expect(await ctx.store.loadDefinitions(A)).toEqual({
        version: 3,
        experiments: [inA[0]],
        flags: [inA[1]],
        segments: [inA[2]],
      });
      expect(await ctx.store.definitionsVersion(B)).toBe(2);
    });

    it("keeps assignments, exposures and aggregates per project", async () => {
      const exp = newId("exp");
      await ctx.store.recordAssignments([assignment(A, exp, "u1", "control")]);
      expect(await ctx.store.getAssignment(B, exp, "u1")).toBeNull();
      expect(await ctx.store.readAggregates(B, exp)).toEqual({
        exposures: {},
        exposuresByDay: {},
        metrics: {},
        ...NO_PRODUCTS,
      });
      // B's first writer is B's own, not A's.
      expect(await ctx.store.recordAssignments([assignment(B, exp, "u1", "treatment")])).toEqual([
        "treatment",
      ]);
      await ctx.store.applyEvents(A, [eventRecord("u1", [exp], { value: 3 })]);
      expect(await ctx.store.readAggregates(B, exp)).toEqual({
        exposures: { treatment: 1 },
        exposuresByDay: { [AT_DAY]: { treatment: 1 } },
        metrics: {},
        ...NO_PRODUCTS,
      });
      expect(await ctx.store.readAggregates(A, exp)).toEqual({
        exposures: { control: 1 },
        exposuresByDay: { [AT_DAY]: { control: 1 } },
        metrics: { output_tokens: { control: { events: 1, sum: 3, sumSquares: 9, entities: 1 } } },
        ...NO_PRODUCTS,
        eventsByDay: { output_tokens: { [AT_DAY]: { control: 1 } } },
        metricsByDay: {
          output_tokens: { [AT_DAY]: { control: { sum: 3, sumSquares: 9, entities: 1 } } },
        },
      });
      expect(await ctx.store.getAssignment(A, exp, "u1")).toBe("control");
    });

    it("keeps idempotency keys per project", async () => {
      const event = () => eventRecord("u1", [], { idempotencyKey: "order-42" });
      expect(await ctx.store.applyEvents(A, [event(), event()])).toEqual({
        accepted: 1,
        deduped: 1,
      });
      expect(await ctx.store.applyEvents(B, [event()])).toEqual({ accepted: 1, deduped: 0 });
    });

    it("keeps logs per project, also under the same experiment id", async () => {
      const exp = newId("exp");
      const inA = logRecord(A, exp);
      await ctx.store.appendLog(inA);
      expect(await ctx.store.listLogs(B, exp, { limit: 10 })).toEqual({
        logs: [],
        nextCursor: null,
      });
      const inB = logRecord(B, exp);
      await ctx.store.appendLog(inB);
      expect((await ctx.store.listLogs(A, exp, { limit: 10 })).logs).toEqual([listed(inA)]);
      expect((await ctx.store.listLogs(B, exp, { limit: 10 })).logs).toEqual([listed(inB)]);
    });
  });
}
