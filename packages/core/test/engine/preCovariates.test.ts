import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { createAbkit } from "../../src/index.js";

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe("pre-period covariates", () => {
  it("read the entity's metric total over the window before its exposure day, that day excluded", async () => {
    const store = memoryStore();
    const abkit = createAbkit({ store, banditCheckMs: 0 });
    await abkit.track([
      { entityId: "u1", metricName: "tokens", value: 100, timestamp: daysAgo(5) }, // before the window
      { entityId: "u1", metricName: "tokens", value: 10, timestamp: daysAgo(2) },
      { entityId: "u1", metricName: "tokens", value: 5, timestamp: daysAgo(1) },
      { entityId: "u1", metricName: "other", value: 7, timestamp: daysAgo(1) }, // another metric
      { entityId: "u1", metricName: "tokens", value: 1000, timestamp: daysAgo(0) }, // exposure day
    ]);
    await abkit.experiments.create({
      key: "history",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [{ name: "tokens", kind: "sum", covariate: { metric: "tokens", days: 3 } }],
    });
    await abkit.experiments.start("history");
    const { variantKey } = await abkit.evaluate({ experimentKey: "history", entityId: "u1" });
    const other = await abkit.evaluate({ experimentKey: "history", entityId: "u2" });
    await abkit.flush();
    const experiment = await abkit.experiments.get("history");
    const { covariates } = await store.readAggregates("default", experiment?.id ?? "");
    const byVariant = covariates["pre:tokens:3d"] ?? {};
    const u1 = byVariant[variantKey ?? ""];
    if (variantKey === other.variantKey) {
      // Both in one variant: u2 (no history) adds an entity with x = 0.
      expect(u1).toEqual({ entities: 2, sum: 15, sumSquares: 225 });
    } else {
      expect(u1).toEqual({ entities: 1, sum: 15, sumSquares: 225 });
      expect(byVariant[other.variantKey ?? ""]).toEqual({ entities: 1, sum: 0, sumSquares: 0 });
    }
    await abkit.close();
  });

  it("are refused on metrics CUPED does not adjust, and outside 1 to 366 days", async () => {
    const abkit = createAbkit({ store: memoryStore(), banditCheckMs: 0 });
    const variants = [
      { key: "a", weight: 50 },
      { key: "b", weight: 50 },
    ];
    await expect(
      abkit.experiments.create({
        key: "m",
        variants,
        metrics: [{ name: "spend", kind: "mean", covariate: { metric: "spend", days: 7 } }],
      }),
    ).rejects.toThrow(/CUPED needs a count, sum or binomial metric/);
    await expect(
      abkit.experiments.create({
        key: "d",
        variants,
        metrics: [{ name: "spend", kind: "sum", covariate: { metric: "spend", days: 400 } }],
      }),
    ).rejects.toThrow(/at most 366/);
    await abkit.close();
  });
});
