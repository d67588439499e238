import { createAbkit, type EventInput, MAX_ENTITY_TOTALS_REQUESTS } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

const ENTITIES = 2500;
const DAY_MS = 86_400_000;

/**
 * Engine writes larger than one store call takes: an assignment batch of 2,500 entities
 * with two pre-period covariates each (5,000 history reads, five times what one
 * `readEntityTotals` takes) is written whole, every covariate read for its own entity.
 *
 * @example
 * describe("my store", () => largeBatchesContract({ create: async () => myStore() }));
 */
export function largeBatchesContract(harness: StoreHarness): void {
  describe("large engine batches", () => {
    const ctx = useStore(harness);

    it(`writes an assignment batch of ${ENTITIES} entities with pre-period covariates (reads of at most ${MAX_ENTITY_TOTALS_REQUESTS})`, async () => {
      const abkit = createAbkit({
        store: ctx.store,
        banditCheckMs: 0,
        flushIntervalMs: 60_000,
        assignmentBatchSize: 10_000,
      });
      const entityIds = Array.from({ length: ENTITIES }, (_, i) => `entity-${i}`);
      // History: tokens worth (i mod 7) + 1 two days ago, one click each three days ago.
      const history: EventInput[] = entityIds.flatMap((entityId, i) => [
        { entityId, metricName: "tokens", value: (i % 7) + 1, timestamp: daysAgo(2) },
        { entityId, metricName: "clicks", value: 1, timestamp: daysAgo(3) },
      ]);
      for (let at = 0; at < history.length; at += 1000) {
        await abkit.track(history.slice(at, at + 1000));
      }
      await abkit.experiments.create({
        key: "big-batch",
        variants: [
          { key: "control", weight: 50 },
          { key: "treatment", weight: 50 },
        ],
        metrics: [
          { name: "tokens", kind: "sum", primary: true, covariate: { metric: "tokens", days: 7 } },
          { name: "clicks", kind: "count", covariate: { metric: "clicks", days: 14 } },
        ],
      });
      const experiment = await abkit.experiments.start("big-batch");
      for (const entityId of entityIds) {
        await abkit.evaluate({ experimentKey: "big-batch", entityId });
      }
      await abkit.flush();
      const aggregates = await ctx.store.readAggregates(abkit.project, experiment.id);
      expect(total(aggregates.exposures)).toBe(ENTITIES);
      const tokens = Object.values(aggregates.covariates["pre:tokens:7d"] ?? {});
      const clicks = Object.values(aggregates.covariates["pre:clicks:14d"] ?? {});
      const expectedTokens = entityIds.reduce((sum, _, i) => sum + (i % 7) + 1, 0);
      expect(total(tokens.map((c) => c.entities))).toBe(ENTITIES);
      expect(total(tokens.map((c) => c.sum))).toBe(expectedTokens);
      expect(total(clicks.map((c) => c.entities))).toBe(ENTITIES);
      expect(total(clicks.map((c) => c.sum))).toBe(ENTITIES);
      expect(total(clicks.map((c) => c.sumSquares))).toBe(ENTITIES);
      await abkit.close();
    });
  });
}

// --- Internal helpers ---

function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString();
}

function total(values: Record<string, number> | number[]): number {
  return Object.values(values).reduce((sum, value) => sum + value, 0);
}
