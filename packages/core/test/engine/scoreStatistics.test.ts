import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { createAbkit } from "../../src/index.js";
import { studentTQuantile } from "../../src/stats/index.js";
import { seededRandom } from "../support/random.js";

// Scores through the engine, then each metric's statistics recounted by hand from the raw
// scores: per-entity totals for the entity unit, every execution for the execution unit.

interface Arm {
  n: number;
  mean: number;
  variance: number;
}

function arm(values: number[]): Arm {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

function welchInterval(control: Arm, treatment: Arm): [number, number] {
  const a = control.variance / control.n;
  const b = treatment.variance / treatment.n;
  const df = (a + b) ** 2 / (a ** 2 / (control.n - 1) + b ** 2 / (treatment.n - 1));
  const half = studentTQuantile(0.975, df) * Math.sqrt(a + b);
  const diff = treatment.mean - control.mean;
  return [diff - half, diff + half];
}

describe("score metrics match a recount of the raw scores", () => {
  it("entity unit (per-entity totals) and execution unit (every execution)", async () => {
    const abkit = createAbkit({ store: memoryStore() });
    await abkit.experiments.create({
      key: "judge",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [
        { name: "quality", kind: "mean", primary: true },
        { name: "quality_per_run", kind: "mean", unit: "execution" },
      ],
    });
    await abkit.experiments.start("judge");
    const random = seededRandom(99);
    const totals = new Map<string, { variant: string; total: number }>();
    const runs: Record<string, number[]> = { control: [], treatment: [] };
    for (let u = 0; u < 60; u++) {
      const entityId = `u${u}`;
      const variant = (await abkit.evaluate({ experimentKey: "judge", entityId }))
        .variantKey as string;
      const executions = 1 + Math.floor(random() * 3);
      for (let e = 0; e < executions; e++) {
        const { logId } = await abkit.log("judge", { variantKey: variant, entityId });
        const value = Math.round(random() * 10) / 10 + (variant === "treatment" ? 0.2 : 0);
        await abkit.scoreBatch([
          { logId, name: "quality", value, source: "llm-judge" },
          { logId, name: "quality_per_run", value },
          // A repeat of the same key: no change anywhere.
          { logId, name: "quality", value: 100 },
        ]);
        const entry = totals.get(entityId) ?? { variant, total: 0 };
        entry.total += value;
        totals.set(entityId, entry);
        runs[variant]?.push(value);
      }
    }
    const results = await abkit.results("judge");
    const perEntity = (variant: string) =>
      [...totals.values()].filter((entry) => entry.variant === variant).map((e) => e.total);
    const expected = {
      quality: [arm(perEntity("control")), arm(perEntity("treatment"))],
      quality_per_run: [arm(runs.control ?? []), arm(runs.treatment ?? [])],
    };
    for (const [name, [control, treatment]] of Object.entries(expected)) {
      const metric = results.metrics.find((entry) => entry.name === name)!;
      expect(metric.unit).toBe(name === "quality" ? "entity" : "execution");
      const [c, t] = metric.variants;
      expect(c?.n).toBe(control?.n);
      expect(t?.n).toBe(treatment?.n);
      expect(c?.value).toBeCloseTo(control!.mean, 9);
      expect(t?.value).toBeCloseTo(treatment!.mean, 9);
      // sd from the kept sums matches the raw values' sd.
      const sd = (row: typeof c) =>
        Math.sqrt((row!.sumSquares - row!.sum ** 2 / row!.n) / (row!.n - 1));
      expect(sd(c)).toBeCloseTo(Math.sqrt(control!.variance), 9);
      expect(sd(t)).toBeCloseTo(Math.sqrt(treatment!.variance), 9);
      const [low, high] = welchInterval(control!, treatment!);
      expect(t?.comparison?.absolute.ci?.[0]).toBeCloseTo(low, 9);
      expect(t?.comparison?.absolute.ci?.[1]).toBeCloseTo(high, 9);
    }
    await abkit.close();
  });
});
