import { type AssignmentRecord, type EventRecord, newId } from "@abkit/core";
import { expect, it } from "vitest";
import { firstOfEachKey, seededRandom, shuffled } from "./expected.js";
import { assignment, eventRecord } from "./fixtures.js";
import { expectCode, type StoreUnderTest } from "./harness.js";
import { expectClose, recountProducts } from "./productsExpected.js";

const P = "products-project";

/**
 * CUPED and ratio-metric sums (registered inside the events group): covariates kept with
 * new assignments only, their products with metric totals, products of two metrics'
 * totals against a brute-force recount, and all-or-nothing rejection of bad input.
 */
export function productCases(ctx: StoreUnderTest): void {
  it("counts the covariates of new assignments per variant", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([
      withCovariates(assignment(P, exp, "u1", "A"), { x: 2 }),
      withCovariates(assignment(P, exp, "u2", "A"), { x: 3, y: 1 }),
      withCovariates(assignment(P, exp, "u3", "B"), { x: -1.5 }),
      assignment(P, exp, "u4", "B"),
    ]);
    expect((await ctx.store.readAggregates(P, exp)).covariates).toEqual({
      x: {
        A: { entities: 2, sum: 5, sumSquares: 13 },
        B: { entities: 1, sum: -1.5, sumSquares: 2.25 },
      },
      y: { A: { entities: 1, sum: 1, sumSquares: 1 } },
    });
  });

  it("multiplies covariates by every accepted event and by each entity's first event once", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([
      withCovariates(assignment(P, exp, "u1", "A"), { x: 2 }),
      withCovariates(assignment(P, exp, "u2", "A"), { x: 3 }),
      assignment(P, exp, "u3", "A"),
    ]);
    const repeated = eventRecord("u1", [exp], { metricName: "clicks", idempotencyKey: "k" });
    await ctx.store.applyEvents(P, [
      repeated,
      eventRecord("u1", [exp], { metricName: "clicks", value: 4 }),
      eventRecord("u3", [exp], { metricName: "clicks", value: 5 }),
    ]);
    await ctx.store.applyEvents(P, [
      { ...repeated, value: 50 },
      eventRecord("u2", [exp], { metricName: "clicks", value: 2 }),
      eventRecord("u1", [exp], { metricName: "revenue", value: 10 }),
    ]);
    expect((await ctx.store.readAggregates(P, exp)).covariateProducts).toEqual({
      clicks: { x: { A: { sumXY: 2 * 5 + 3 * 2, sumXWithEvent: 5 } } },
      revenue: { x: { A: { sumXY: 20, sumXWithEvent: 2 } } },
    });
  });

  it("ignores a losing writer's covariates", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([withCovariates(assignment(P, exp, "u1", "A"), { x: 1 })]);
    expect(
      await ctx.store.recordAssignments([
        withCovariates(assignment(P, exp, "u1", "B"), { x: 100, z: 5 }),
        withCovariates(assignment(P, exp, "u2", "B"), { z: 7 }),
      ]),
    ).toEqual(["A", "B"]);
    await ctx.store.applyEvents(P, [eventRecord("u1", [exp], { value: 3 })]);
    const read = await ctx.store.readAggregates(P, exp);
    expect(read.covariates).toEqual({
      x: { A: { entities: 1, sum: 1, sumSquares: 1 } },
      z: { B: { entities: 1, sum: 7, sumSquares: 49 } },
    });
    expect(read.covariateProducts).toEqual({
      output_tokens: { x: { A: { sumXY: 3, sumXWithEvent: 1 } } },
    });
  });

  it("keeps only the winner's covariates when writers race for one entity", async () => {
    const exp = newId("exp");
    const writers = Array.from({ length: 6 }, (_, i) =>
      withCovariates(assignment(P, exp, "u1", `v${i}`), { x: i + 1 }),
    );
    const stored = await Promise.all(writers.map((w) => ctx.store.recordAssignments([w])));
    const winner = stored[0]![0]!;
    expect(stored.every(([variant]) => variant === winner)).toBe(true);
    const x = Number(winner.slice(1)) + 1;
    await ctx.store.applyEvents(P, [eventRecord("u1", [exp], { value: 2 })]);
    const read = await ctx.store.readAggregates(P, exp);
    expect(read.covariates).toEqual({
      x: { [winner]: { entities: 1, sum: x, sumSquares: x * x } },
    });
    expect(read.covariateProducts).toEqual({
      output_tokens: { x: { [winner]: { sumXY: 2 * x, sumXWithEvent: x } } },
    });
  });

  it("keeps covariate and cross products exact against a brute-force recount", async () => {
    const { assignments, batches } = makeWorkload(23);
    const exp = assignments[0]!.experimentId;
    await ctx.store.recordAssignments(assignments);
    for (const batch of batches) await ctx.store.applyEvents(P, batch);
    const read = await ctx.store.readAggregates(P, exp);
    const expected = recountProducts(exp, assignments, firstOfEachKey(batches.flat()));
    expectClose(read.covariates, expected.covariates);
    expectClose(read.covariateProducts, expected.covariateProducts);
    expectClose(read.crossProducts, expected.crossProducts);
    // The workload reaches every kind of sum, so the comparison above is not vacuous.
    expect(Object.keys(read.crossProducts)).toEqual(["A"]);
    expect(Object.keys(read.covariateProducts).sort()).toEqual(["A", "B", "C"]);
  });

  it.each([
    ["a NaN value", { x: Number.NaN }],
    ["an infinite value", { x: Number.NEGATIVE_INFINITY }],
    ["a name with a space", { "bad name": 1 }],
    ["a name starting with '_'", JSON.parse('{"__proto__": 1}') as Record<string, number>],
  ])("rejects a covariate with %s and writes nothing", async (_, covariates) => {
    const exp = newId("exp");
    await expectCode(
      ctx.store.recordAssignments([
        withCovariates(assignment(P, exp, "u1", "A"), { x: 1 }),
        withCovariates(assignment(P, exp, "u2", "A"), covariates),
      ]),
      "validation_failed",
    );
    expect(await ctx.store.getAssignment(P, exp, "u1")).toBeNull();
    const read = await ctx.store.readAggregates(P, exp);
    expect({ exposures: read.exposures, covariates: read.covariates }).toEqual({
      exposures: {},
      covariates: {},
    });
  });

  it("rejects a batch whose crossMetrics is malformed and applies none of it", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([assignment(P, exp, "u1", "A")]);
    const bad = { [exp]: "B" } as unknown as Record<string, string[]>;
    await expectCode(
      ctx.store.applyEvents(P, [
        eventRecord("u1", [exp], { idempotencyKey: "ok" }),
        eventRecord("u1", [exp], { crossMetrics: bad }),
      ]),
      "validation_failed",
    );
    expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({});
    expect(
      await ctx.store.applyEvents(P, [eventRecord("u1", [exp], { idempotencyKey: "ok" })]),
    ).toEqual({ accepted: 1, deduped: 0 });
  });
}

// --- Internal helpers ---

function withCovariates(
  record: AssignmentRecord,
  covariates: Record<string, number>,
): AssignmentRecord {
  return { ...record, covariates };
}

// One experiment, 30 entities (a few unassigned, a few without covariates), metrics A, B and
// C. A and B list each other as partners (C lists itself, which is ignored); values have
// two decimals so sums round; a pool of keyed events makes repeats in and across batches.
function makeWorkload(seed: number): { assignments: AssignmentRecord[]; batches: EventRecord[][] } {
  const random = seededRandom(seed);
  const exp = newId("exp");
  const assignments: AssignmentRecord[] = [];
  for (let u = 0; u < 30; u++) {
    if (u % 9 === 8) continue;
    const record = assignment(P, exp, `user-${u}`, random() < 0.5 ? "control" : "treatment");
    const covariates: Record<string, number> = {};
    if (u % 7 !== 6) covariates.x = Math.round(random() * 2000 - 500) / 100;
    if (u % 3 === 0) covariates.y = Math.round(random() * 100) / 10;
    assignments.push({ ...record, covariates });
  }
  const partners: Record<string, string[]> = { A: ["B"], B: ["A"], C: ["C"] };
  const pick = (): EventRecord => {
    const metricName = ["A", "B", "C"][Math.floor(random() * 3)]!;
    return eventRecord(`user-${Math.floor(random() * 30)}`, [exp], {
      metricName,
      value: Math.round(random() * 1000 - 200) / 100,
      crossMetrics: { [exp]: partners[metricName]! },
    });
  };
  const pool = Array.from({ length: 40 }, (_, k) => ({ ...pick(), idempotencyKey: `key-${k}` }));
  const events = Array.from({ length: 300 }, () =>
    random() < 0.3 ? { ...pool[Math.floor(random() * pool.length)]!, id: newId("evt") } : pick(),
  );
  const batches: EventRecord[][] = [];
  let rest = shuffled(events, random);
  while (rest.length > 0) {
    const size = 1 + Math.floor(random() * 30);
    batches.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  return { assignments, batches };
}
