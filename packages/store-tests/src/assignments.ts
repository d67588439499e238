import { newId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { exposureDayCases } from "./exposuresByDay.js";
import { AT_DAY, assignment, NO_PRODUCTS } from "./fixtures.js";
import { useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

const P = "assign-project";

/**
 * Assignments: insert-if-absent where the first writer wins (within a batch, across
 * batches, under concurrent calls), the stored variant returned in order, and exact
 * exposure counts, in total and by UTC day.
 *
 * @example
 * describe("my store", () => assignmentsContract({ create: async () => myStore() }));
 */
export function assignmentsContract(harness: StoreHarness): void {
  describe("assignments", () => {
    const ctx = useStore(harness);

    it("returns null for an assignment never recorded", async () => {
      expect(await ctx.store.getAssignment(P, newId("exp"), "nobody")).toBeNull();
    });

    it("records new assignments, returns their variants in order and counts exposures", async () => {
      const exp = newId("exp");
      const records = [
        assignment(P, exp, "u1", "control"),
        assignment(P, exp, "u2", "treatment"),
        assignment(P, exp, "u3", "control"),
        assignment(P, exp, "ünïcødé 🧪", "third"),
        assignment(P, exp, "a:b", "control"),
        assignment(P, exp, "a", "treatment"),
      ];
      expect(await ctx.store.recordAssignments(records)).toEqual(records.map((r) => r.variantKey));
      for (const record of records) {
        expect(await ctx.store.getAssignment(P, exp, record.entityId)).toBe(record.variantKey);
      }
      expect(await ctx.store.getAssignment(P, exp, "b")).toBeNull();
      expect(await ctx.store.readAggregates(P, exp)).toEqual({
        exposures: { control: 3, treatment: 2, third: 1 },
        exposuresByDay: { [AT_DAY]: { control: 3, treatment: 2, third: 1 } },
        metrics: {},
        ...NO_PRODUCTS,
      });
      expect(await ctx.store.recordAssignments([])).toEqual([]);
    });

    it("keeps the first variant when one batch names an entity twice", async () => {
      const exp = newId("exp");
      const stored = await ctx.store.recordAssignments([
        assignment(P, exp, "u1", "A"),
        assignment(P, exp, "u1", "B"),
        assignment(P, exp, "u2", "B"),
        assignment(P, exp, "u1", "C"),
      ]);
      expect(stored).toEqual(["A", "A", "B", "A"]);
      expect((await ctx.store.readAggregates(P, exp)).exposures).toEqual({ A: 1, B: 1 });
    });

    it("keeps the first variant across batches and counts no second exposure", async () => {
      const exp = newId("exp");
      await ctx.store.recordAssignments([assignment(P, exp, "u1", "A")]);
      const again = await ctx.store.recordAssignments([
        assignment(P, exp, "u2", "B"),
        assignment(P, exp, "u1", "B"),
      ]);
      expect(again).toEqual(["B", "A"]);
      expect(await ctx.store.getAssignment(P, exp, "u1")).toBe("A");
      expect((await ctx.store.readAggregates(P, exp)).exposures).toEqual({ A: 1, B: 1 });
    });

    it("keeps one assignment per (experiment, entity): experiments are independent", async () => {
      const [exp1, exp2] = [newId("exp"), newId("exp")];
      expect(
        await ctx.store.recordAssignments([
          assignment(P, exp1, "u1", "A"),
          assignment(P, exp2, "u1", "B"),
        ]),
      ).toEqual(["A", "B"]);
      expect(await ctx.store.getAssignment(P, exp1, "u1")).toBe("A");
      expect(await ctx.store.getAssignment(P, exp2, "u1")).toBe("B");
      expect((await ctx.store.readAggregates(P, exp1)).exposures).toEqual({ A: 1 });
      expect((await ctx.store.readAggregates(P, exp2)).exposures).toEqual({ B: 1 });
    });

    it("lets one of 50 concurrent writers of the same (experiment, entity) win", async () => {
      const exp = newId("exp");
      const variants = Array.from({ length: 50 }, (_, i) => `v${i}`);
      const results = await Promise.all(
        variants.map((variant) => ctx.store.recordAssignments([assignment(P, exp, "u1", variant)])),
      );
      const winner = results[0]![0]!;
      expect(variants).toContain(winner);
      expect(results.map((result) => result[0])).toEqual(variants.map(() => winner));
      expect(await ctx.store.getAssignment(P, exp, "u1")).toBe(winner);
      expect((await ctx.store.readAggregates(P, exp)).exposures).toEqual({ [winner]: 1 });
    });

    it("gives every concurrent batch the same winners for overlapping entities", async () => {
      const exp = newId("exp");
      const entities = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      // 10 writers, each its own variant and its own order over the same entities.
      const writers = Array.from({ length: 10 }, (_, w) => {
        const order = w % 2 === 0 ? entities : [...entities].reverse();
        return order.map((entity) => assignment(P, exp, entity, `w${w}`));
      });
      const results = await Promise.all(writers.map((batch) => ctx.store.recordAssignments(batch)));
      const winners = new Map<string, string>();
      results.forEach((stored, w) => {
        writers[w]!.forEach((record, i) => {
          const variant = stored[i]!;
          expect(winners.get(record.entityId) ?? variant).toBe(variant);
          winners.set(record.entityId, variant);
        });
      });
      const exposures: Record<string, number> = {};
      for (const entity of entities) {
        const variant = winners.get(entity)!;
        expect(await ctx.store.getAssignment(P, exp, entity)).toBe(variant);
        exposures[variant] = (exposures[variant] ?? 0) + 1;
      }
      expect((await ctx.store.readAggregates(P, exp)).exposures).toEqual(exposures);
    });

    exposureDayCases(ctx);
  });
}
