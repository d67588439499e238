import {
  createAbkit,
  type ExperimentAggregates,
  MAX_AGGREGATED_METRICS,
  MAX_COVARIATE_VALUE,
  MAX_EVENT_VALUE,
  newId,
} from "@abkit/core";
import { describe, expect, it } from "vitest";
import { assignment, eventRecord } from "./fixtures.js";
import { expectCode, type StoreUnderTest, useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

const P = "bounds-project";

/**
 * Inputs that could grow or break an experiment's aggregates: values beyond the bound that
 * keeps sums of squares finite are refused before any write, by the store and through the
 * engine; metrics an experiment does not declare start new aggregates only below
 * `MAX_AGGREGATED_METRICS`.
 */
export function boundsContract(harness: StoreHarness): void {
  describe("bounds", () => {
    const ctx = useStore(harness);
    valueCases(ctx);
    undeclaredMetricCases(ctx);
  });
}

// --- Internal helpers ---

function valueCases(ctx: StoreUnderTest): void {
  it("refuses a value beyond MAX_EVENT_VALUE, or not finite, and writes nothing of the batch", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([assignment(P, exp, "u1", "A")]);
    for (const value of [1.35e154, -MAX_EVENT_VALUE * 1.5, Number.MAX_VALUE, Infinity, NaN]) {
      const batch = [eventRecord("u1", [exp], { value: 1 }), eventRecord("u1", [exp], { value })];
      await expectCode(ctx.store.applyEvents(P, batch), "validation_failed");
    }
    expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({});
    // The entity's later events still count.
    await ctx.store.applyEvents(P, [eventRecord("u1", [exp], { value: 2 })]);
    expect((await ctx.store.readAggregates(P, exp)).metrics).toEqual({
      output_tokens: { A: { events: 1, sum: 2, sumSquares: 4, entities: 1 } },
    });
  });

  it("keeps every aggregate finite and exact with values at the bound", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([
      assignment(P, exp, "u1", "A"),
      assignment(P, exp, "u2", "A"),
    ]);
    const events = [
      ...Array.from({ length: 50 }, () => eventRecord("u1", [exp], { value: MAX_EVENT_VALUE })),
      ...Array.from({ length: 50 }, () => eventRecord("u2", [exp], { value: -MAX_EVENT_VALUE })),
    ];
    await ctx.store.applyEvents(P, events);
    const aggregates = await ctx.store.readAggregates(P, exp);
    expect(nonFinite(aggregates)).toEqual([]);
    const aggregate = aggregates.metrics.output_tokens?.A;
    expect(aggregate).toMatchObject({ events: 100, sum: 0, entities: 2 });
    // Σ t_u² = 2 (50 × 1e12)², up to the rounding of adding (t + v)² - t² per event.
    expect(aggregate!.sumSquares / (2 * (50 * MAX_EVENT_VALUE) ** 2)).toBeCloseTo(1, 12);
  });

  it("refuses a covariate beyond MAX_COVARIATE_VALUE before any write", async () => {
    const exp = newId("exp");
    const record = { ...assignment(P, exp, "u1", "A"), covariates: { spend: 1e200 } };
    await expectCode(ctx.store.recordAssignments([record]), "validation_failed");
    expect(await ctx.store.getAssignment(P, exp, "u1")).toBeNull();
    const atBound = { ...record, covariates: { spend: MAX_COVARIATE_VALUE } };
    await ctx.store.recordAssignments([atBound]);
    expect(nonFinite(await ctx.store.readAggregates(P, exp))).toEqual([]);
  });

  it("through the engine: a huge value is refused at track, conversion and log, and results keep working", async () => {
    const abkit = createAbkit({ store: ctx.store, project: P, refreshIntervalMs: 0 });
    await abkit.experiments.create({
      key: "huge-values",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [
        { name: "revenue", kind: "sum", primary: true, covariate: "spend" },
        { name: "conversion", kind: "binomial" },
      ],
    });
    await abkit.experiments.start("huge-values");
    const users = ["u1", "u2", "u3", "u4"];
    for (const entityId of users) {
      // A property beyond the covariate bound is left out, as a missing one is.
      await abkit.evaluate({
        experimentKey: "huge-values",
        entityId,
        properties: { spend: 1e200 },
      });
    }
    await abkit.flush();
    const huge = { entityId: "u1", metricName: "revenue", value: 1.35e154 };
    await expectCode(abkit.track([huge]), "validation_failed");
    await expectCode(
      abkit.trackConversion({ experimentKey: "huge-values", userId: "u1", value: 1e13 }),
      "validation_failed",
    );
    await expectCode(
      abkit.log("huge-values", { variantKey: "control", metrics: { cost: 1e13 } }),
      "validation_failed",
    );
    // Values at the bound, many times for one user, leave everything finite and readable.
    const atBound = users.flatMap((entityId) =>
      Array.from({ length: 25 }, () => ({
        entityId,
        metricName: "revenue",
        value: MAX_EVENT_VALUE,
      })),
    );
    await abkit.track(atBound);
    await abkit.log("huge-values", { variantKey: "control", metrics: { cost: MAX_EVENT_VALUE } });
    const results = await abkit.results("huge-values");
    const revenue = results.metrics.find((metric) => metric.name === "revenue");
    expect(revenue?.variants.reduce((sum, variant) => sum + variant.events, 0)).toBe(100);
    expect(nonFinite(await ctx.store.readAggregates(P, results.experimentId))).toEqual([]);
    // The user's later batches still apply.
    expect(await abkit.track([{ entityId: "u1", metricName: "revenue", value: 5 }])).toEqual({
      accepted: 1,
      deduped: 0,
    });
    await abkit.close();
  });
}

function undeclaredMetricCases(ctx: StoreUnderTest): void {
  it("starts aggregates of undeclared metrics only below MAX_AGGREGATED_METRICS; declared ones always", async () => {
    const exp = newId("exp");
    await ctx.store.recordAssignments([
      assignment(P, exp, "u1", "A"),
      assignment(P, exp, "u2", "B"),
    ]);
    const junk = (i: number) => `junk-${i}`;
    const undeclared = (entityId: string, i: number) =>
      eventRecord(entityId, [exp], { metricName: junk(i), undeclaredIn: [exp] });
    for (let from = 0; from < MAX_AGGREGATED_METRICS + 50; from += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => undeclared("u1", from + i));
      expect(await ctx.store.applyEvents(P, batch)).toEqual({ accepted: 100, deduped: 0 });
    }
    // Past the cap: an admitted undeclared metric keeps counting (also for a new entity), a
    // declared one starts, a new undeclared one does not.
    await ctx.store.applyEvents(P, [
      undeclared("u2", 0),
      eventRecord("u1", [exp], { metricName: "thumbs_up" }),
      undeclared("u1", MAX_AGGREGATED_METRICS + 60),
    ]);
    const { metrics } = await ctx.store.readAggregates(P, exp);
    expect(Object.keys(metrics)).toHaveLength(MAX_AGGREGATED_METRICS + 1);
    expect(metrics[junk(MAX_AGGREGATED_METRICS - 1)]).toBeDefined();
    expect(metrics[junk(MAX_AGGREGATED_METRICS)]).toBeUndefined();
    expect(metrics[junk(0)]).toEqual({
      A: { events: 1, sum: 1, sumSquares: 1, entities: 1 },
      B: { events: 1, sum: 1, sumSquares: 1, entities: 1 },
    });
    expect(metrics.thumbs_up?.A).toMatchObject({ events: 1 });
  });

  it("through the engine: junk metric names leave an experiment's results bounded", async () => {
    const abkit = createAbkit({ store: ctx.store, project: P, refreshIntervalMs: 0 });
    await abkit.experiments.create({
      key: "junk-metrics",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
    });
    await abkit.experiments.start("junk-metrics");
    await abkit.evaluate({ experimentKey: "junk-metrics", entityId: "u1" });
    for (let from = 0; from < 2 * MAX_AGGREGATED_METRICS; from += 100) {
      const batch = Array.from({ length: 100 }, (_, i) => ({
        entityId: "u1",
        metricName: `junk-${from + i}`,
      }));
      await abkit.track(batch);
    }
    await abkit.track([{ entityId: "u1", metricName: "thumbs_up" }]);
    const results = await abkit.results("junk-metrics");
    expect(results.metrics.length).toBeLessThanOrEqual(MAX_AGGREGATED_METRICS + 1);
    expect(results.metrics[0]).toMatchObject({ name: "thumbs_up", declared: true });
    const thumbsUp = results.metrics[0]!.variants.reduce((sum, variant) => sum + variant.events, 0);
    expect(thumbsUp).toBe(1);
    const { metrics } = await ctx.store.readAggregates(P, results.experimentId);
    expect(Object.keys(metrics).length).toBeLessThanOrEqual(MAX_AGGREGATED_METRICS + 1);
    await abkit.close();
  });
}

// Paths of every number in the aggregates that is not finite.
function nonFinite(aggregates: ExperimentAggregates): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "number") {
      if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
    } else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
    } else if (value === null) {
      found.push(`${path} = null`);
    }
  };
  walk(aggregates, "aggregates");
  return found;
}
