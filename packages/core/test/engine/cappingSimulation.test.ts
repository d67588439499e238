import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../support/random.js";
import { newEngine, promptExperiment } from "./fixtures.js";

// A heavy-tailed metric through the whole engine: per-event revenue from a Pareto law with
// shape 1.2 (finite mean, infinite variance), so a few users' totals swing the raw sums. Two
// experiments run over the same users and events, one capping revenue at CAP.

const USERS = 4000;
const CAP = 20;
const SHAPE = 1.2;

describe("capping a heavy-tailed metric", () => {
  it("reports capped sums equal to a recount of min(total, cap) per user, with a narrower interval", async () => {
    const abkit = newEngine(memoryStore());
    const revenue = { name: "revenue", kind: "sum" as const, primary: true };
    await abkit.experiments.create(
      promptExperiment({ key: "capped", metrics: [{ ...revenue, cap: CAP }] }),
    );
    await abkit.experiments.create(promptExperiment({ key: "raw", metrics: [revenue] }));
    await abkit.experiments.start("capped");
    await abkit.experiments.start("raw");

    const random = seededRandom(2026);
    // Pareto(1, SHAPE) by inversion, rounded up to a quarter so every sum below is exact.
    const pareto = () => Math.ceil(4 * (1 - random()) ** (-1 / SHAPE)) / 4;
    const variantOf = new Map<string, string>();
    const totals = new Map<string, number>();
    const events: { entityId: string; metricName: string; value: number }[] = [];
    for (let u = 0; u < USERS; u++) {
      const entityId = `user-${u}`;
      const { variantKey } = await abkit.evaluate({ experimentKey: "capped", entityId });
      await abkit.evaluate({ experimentKey: "raw", entityId });
      variantOf.set(entityId, variantKey!);
      const count = Math.floor(random() * 4); // 0 to 3 purchases
      for (let i = 0; i < count; i++) {
        const value = pareto();
        events.push({ entityId, metricName: "revenue", value });
        totals.set(entityId, (totals.get(entityId) ?? 0) + value);
      }
    }
    for (let i = 0; i < events.length; i += 1000) await abkit.track(events.slice(i, i + 1000));

    const capped = (await abkit.results("capped")).metrics[0]!;
    expect(capped.cap).toBe(CAP);
    // The recount: each user's total over all their events, capped once at the end.
    for (const variant of capped.variants) {
      const users = [...variantOf].filter(([, v]) => v === variant.variantKey);
      const counted = users.map(([u]) => Math.min(totals.get(u) ?? 0, CAP));
      const sum = counted.reduce((a, b) => a + b, 0);
      expect(variant.users).toBe(users.length);
      expect(variant.sum).toBe(sum);
      expect(variant.sumSquares).toBe(counted.reduce((a, b) => a + b * b, 0));
      expect(variant.value).toBe(sum / users.length);
    }

    // Some users' totals exceed the cap, and the capped comparison is the tighter one.
    const above = [...totals.values()].filter((total) => total > CAP).length;
    expect(above).toBeGreaterThan(50);
    const raw = (await abkit.results("raw")).metrics[0]!;
    const width = (ci: [number, number] | null | undefined) => (ci ? ci[1] - ci[0] : Number.NaN);
    const cappedComparison = capped.variants[1]!.comparison!;
    const rawComparison = raw.variants[1]!.comparison!;
    // Seed 2026: 216 users above the cap; the capped intervals are 0.22 times as wide.
    expect(width(cappedComparison.absolute.ci)).toBeLessThan(
      0.5 * width(rawComparison.absolute.ci),
    );
    expect(width(cappedComparison.sequential?.ci)).toBeLessThan(
      0.5 * width(rawComparison.sequential?.ci),
    );
  });
});
