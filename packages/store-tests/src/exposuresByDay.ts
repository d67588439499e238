import { type ExperimentAggregates, newId } from "@abkit/core";
import { expect, it } from "vitest";
import { countExposureDay } from "./expected.js";
import { assignment, NO_PRODUCTS } from "./fixtures.js";
import type { StoreUnderTest } from "./harness.js";

const P = "exposure-days-project";

/**
 * Exposures by UTC day (registered inside the assignments group): a new assignment counts
 * once under the UTC day of its `assignedAt`, a repeat (in a batch, in a later batch, or
 * concurrent) never, and each variant's days add up to its exposures.
 */
export function exposureDayCases(ctx: StoreUnderTest): void {
  it("counts new assignments under the UTC day of their time, per variant", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([
      assignment(P, exp, "u1", "control", "2026-03-01T00:00:00.000Z"),
      assignment(P, exp, "u2", "treatment", "2026-03-01T12:30:00.000Z"),
      assignment(P, exp, "u3", "control", "2026-03-01T23:59:59.999Z"),
      // 01:00 on March 2 at +02:00 is still March 1 in UTC.
      assignment(P, exp, "u4", "treatment", "2026-03-02T01:00:00.000+02:00"),
    ]);
    await ctx.store.recordAssignments([
      assignment(P, exp, "u5", "treatment", "2026-03-02T08:00:00.000Z"),
      assignment(P, exp, "u6", "treatment", "2026-03-02T09:00:00.000Z"),
      assignment(P, exp, "u7", "control", "2026-03-02T10:00:00.000Z"),
    ]);
    const read = await ctx.store.readAggregates(P, exp);
    expect(read.exposuresByDay).toEqual({
      "2026-03-01": { control: 2, treatment: 2 },
      "2026-03-02": { control: 1, treatment: 2 },
    });
    expect(read.exposures).toEqual({ control: 3, treatment: 4 });
    expect(daysPerVariant(read)).toEqual(read.exposures);
  });

  it("counts an entity assigned again (same batch or later, other day or variant) once", async () => {
    const exp = newId("exp");
    expect(
      await ctx.store.recordAssignments([
        assignment(P, exp, "u1", "A", "2026-03-01T10:00:00.000Z"),
        assignment(P, exp, "u1", "B", "2026-03-01T11:00:00.000Z"),
        assignment(P, exp, "u1", "A", "2026-03-02T10:00:00.000Z"),
      ]),
    ).toEqual(["A", "A", "A"]);
    expect(
      await ctx.store.recordAssignments([
        assignment(P, exp, "u1", "B", "2026-03-03T10:00:00.000Z"),
        assignment(P, exp, "u2", "B", "2026-03-03T10:00:00.000Z"),
      ]),
    ).toEqual(["A", "B"]);
    const read = await ctx.store.readAggregates(P, exp);
    expect(read.exposuresByDay).toEqual({ "2026-03-01": { A: 1 }, "2026-03-03": { B: 1 } });
    expect(daysPerVariant(read)).toEqual(read.exposures);
  });

  it("counts one day for the winner of 50 concurrent writers of the same entity", async () => {
    const exp = newId("exp");
    const days = ["2026-03-01", "2026-03-02", "2026-03-03"];
    const writers = Array.from({ length: 50 }, (_, i) => ({
      variant: `v${i}`,
      day: days[i % days.length]!,
    }));
    const results = await Promise.all(
      writers.map(({ variant, day }) =>
        ctx.store.recordAssignments([assignment(P, exp, "u1", variant, `${day}T06:00:00.000Z`)]),
      ),
    );
    const winner = writers.find((writer) => writer.variant === results[0]![0]);
    expect(winner).toBeDefined();
    const read = await ctx.store.readAggregates(P, exp);
    expect(read.exposures).toEqual({ [winner!.variant]: 1 });
    expect(read.exposuresByDay).toEqual({ [winner!.day]: { [winner!.variant]: 1 } });
  });

  it("keeps each variant's days summing to its exposures under concurrent overlapping batches", async () => {
    const exp = newId("exp");
    const entities = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    // Each entity's day is fixed (whoever wins), so the expected days follow from the winners.
    const dayOf = (i: number) => `2026-03-0${1 + (i % 3)}`;
    const writers = Array.from({ length: 8 }, (_, w) => {
      const batch = entities.map((entity, i) =>
        assignment(P, exp, entity, `w${w % 2}`, `${dayOf(i)}T12:00:00.000Z`),
      );
      return w % 2 === 0 ? batch : batch.reverse();
    });
    await Promise.all(writers.map((batch) => ctx.store.recordAssignments(batch)));
    const expected: Record<string, Record<string, number>> = {};
    for (const [i, entity] of entities.entries()) {
      const variant = (await ctx.store.getAssignment(P, exp, entity))!;
      countExposureDay(expected, dayOf(i), variant);
    }
    const read = await ctx.store.readAggregates(P, exp);
    expect(read.exposuresByDay).toEqual(expected);
    expect(daysPerVariant(read)).toEqual(read.exposures);
  });

  it("counts an assignment whose time does not parse as an exposure without a day", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([
      assignment(P, exp, "u1", "A", "not a time"),
      assignment(P, exp, "u2", "A", "2026-03-01T00:00:00.000Z"),
    ]);
    expect(await ctx.store.readAggregates(P, exp)).toEqual({
      exposures: { A: 2 },
      exposuresByDay: { "2026-03-01": { A: 1 } },
      metrics: {},
      ...NO_PRODUCTS,
    });
  });
}

// --- Internal helpers ---

// variant -> the sum of its counts over every day.
function daysPerVariant(read: ExperimentAggregates): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const variants of Object.values(read.exposuresByDay)) {
    for (const [variant, count] of Object.entries(variants)) {
      sums[variant] = (sums[variant] ?? 0) + count;
    }
  }
  return sums;
}
