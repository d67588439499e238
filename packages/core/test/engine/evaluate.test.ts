import { memoryStore } from "@abkit/memory";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { newEngine, promptExperiment } from "./fixtures.js";

const key = "math-bot-system-prompt-v2";

async function runningEngine(change: Parameters<typeof promptExperiment>[0] = {}) {
  const abkit = newEngine();
  await abkit.segments.create({ key: "es-fr", condition: { country: { $in: ["ES", "FR"] } } });
  await abkit.experiments.create(promptExperiment({ segments: ["es-fr"], ...change }));
  await abkit.experiments.start(key);
  return abkit;
}

describe("evaluate", () => {
  it("returns the variant and its config for an entity in the segment (seed 000's response)", async () => {
    const abkit = await runningEngine();
    const result = await abkit.evaluate({
      experimentKey: key,
      entityId: "user_42",
      properties: { country: "ES" },
    });
    expect(result.experimentKey).toBe(key);
    expect(["control", "treatment"]).toContain(result.variantKey);
    const variant = (await abkit.experiments.get(key))?.variants.find(
      (v) => v.key === result.variantKey,
    );
    expect(result.config).toEqual(variant?.config);
    expect(result.reason).toBe("assigned");
  });

  it.each([
    ["the key is unknown", "unknown_experiment", { experimentKey: "nope" }],
    ["no segment matches", "no_segment_match", { properties: { country: "DE" } }],
    ["properties are missing", "no_segment_match", { properties: {} }],
  ])("returns nulls when %s", async (_name, reason, change) => {
    const abkit = await runningEngine();
    const result = await abkit.evaluate({
      experimentKey: key,
      entityId: "user_42",
      properties: { country: "ES" },
      ...change,
    });
    expect(result).toMatchObject({ variantKey: null, config: null, reason });
  });

  it("returns nulls while the experiment is a draft and after it stops", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment());
    const asDraft = await abkit.evaluate({ experimentKey: key, entityId: "user_42" });
    expect(asDraft).toEqual({
      experimentKey: key,
      variantKey: null,
      config: null,
      reason: "not_running",
    });
    await abkit.experiments.start(key);
    expect(
      (await abkit.evaluate({ experimentKey: key, entityId: "user_42" })).variantKey,
    ).not.toBeNull();
    await abkit.experiments.stop(key);
    const afterStop = await abkit.evaluate({ experimentKey: key, entityId: "user_42" });
    expect(afterStop).toMatchObject({ variantKey: null, config: null, reason: "not_running" });
  });

  it("returns nulls outside coverage and for another environment", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment({ coverage: 0 }));
    await abkit.experiments.start(key);
    expect(await abkit.evaluate({ experimentKey: key, entityId: "user_42" })).toMatchObject({
      variantKey: null,
      reason: "outside_coverage",
    });
    await abkit.experiments.create(
      promptExperiment({ key: "staging-only", environment: "staging" }),
    );
    await abkit.experiments.start("staging-only");
    expect(await abkit.evaluate({ experimentKey: "staging-only", entityId: "u" })).toMatchObject({
      variantKey: null,
      reason: "environment_mismatch",
    });
    expect(
      (
        await abkit.evaluate({
          experimentKey: "staging-only",
          entityId: "u",
          environment: "staging",
        })
      ).variantKey,
    ).not.toBeNull();
  });

  it("admits about the coverage share of entities", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment({ coverage: 0.3 }));
    await abkit.experiments.start(key);
    let enrolled = 0;
    for (let i = 0; i < 10_000; i++) {
      if ((await abkit.evaluate({ experimentKey: key, entityId: `u${i}` })).variantKey !== null)
        enrolled++;
    }
    expect(enrolled / 10_000).toBeGreaterThan(0.28);
    expect(enrolled / 10_000).toBeLessThan(0.32);
  });

  it("splits 100k entities within 1% of 50/50", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment());
    await abkit.experiments.start(key);
    const counts: Record<string, number> = { control: 0, treatment: 0 };
    for (let i = 0; i < 100_000; i++) {
      const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId: `user_${i}` });
      counts[variantKey as string] = (counts[variantKey as string] ?? 0) + 1;
    }
    expect(Math.abs((counts.control ?? 0) / 100_000 - 0.5)).toBeLessThan(0.01);
    expect((counts.control ?? 0) + (counts.treatment ?? 0)).toBe(100_000);
  });

  it("keeps an entity's first variant after targeting no longer admits it (sticky)", async () => {
    const store = memoryStore();
    const abkit = newEngine(store);
    await abkit.segments.create({ key: "es-fr", condition: { country: { $in: ["ES", "FR"] } } });
    await abkit.experiments.create(promptExperiment({ segments: ["es-fr"] }));
    await abkit.experiments.start(key);
    const first = await abkit.evaluate({
      experimentKey: key,
      entityId: "user_42",
      properties: { country: "ES" },
    });
    await abkit.flush();
    expect(
      await store.getAssignment("default", (await abkit.experiments.get(key))!.id, "user_42"),
    ).toBe(first.variantKey);

    // The user travels, and the segment is narrowed: both would now exclude them.
    await abkit.segments.update("es-fr", { condition: { country: "FR" } });
    const later = await abkit.evaluate({
      experimentKey: key,
      entityId: "user_42",
      properties: { country: "DE" },
    });
    expect(later).toMatchObject({ variantKey: first.variantKey, reason: "sticky" });

    // A fresh engine (another process, empty caches) reads the stored assignment.
    const other = newEngine(store);
    const elsewhere = await other.evaluate({
      experimentKey: key,
      entityId: "user_42",
      properties: { country: "DE" },
    });
    expect(elsewhere).toMatchObject({ variantKey: first.variantKey, reason: "sticky" });
    // Someone never assigned stays out.
    const stranger = await other.evaluate({
      experimentKey: key,
      entityId: "user_7",
      properties: { country: "DE" },
    });
    expect(stranger).toMatchObject({ variantKey: null, reason: "no_segment_match" });
  });

  it("asks the store about an entity targeting leaves out at most once per refresh interval", async () => {
    const store = memoryStore();
    const abkit = newEngine(store, { refreshIntervalMs: 200 });
    await abkit.segments.create({ key: "es-fr", condition: { country: { $in: ["ES", "FR"] } } });
    await abkit.experiments.create(promptExperiment({ segments: ["es-fr"] }));
    await abkit.experiments.start(key);
    const reads = vi.spyOn(store, "getAssignment");
    for (let i = 0; i < 50; i++) {
      const result = await abkit.evaluate({
        experimentKey: key,
        entityId: "user_7",
        properties: { country: "DE" },
      });
      expect(result.variantKey).toBeNull();
    }
    expect(reads).toHaveBeenCalledTimes(1);

    // Another process assigns user_7 (it was in Spain there): within the interval this one sees it.
    const elsewhere = newEngine(store);
    const { variantKey } = await elsewhere.evaluate({
      experimentKey: key,
      entityId: "user_7",
      properties: { country: "ES" },
    });
    await elsewhere.flush();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const later = await abkit.evaluate({
      experimentKey: key,
      entityId: "user_7",
      properties: { country: "DE" },
    });
    expect(later).toMatchObject({ variantKey, reason: "sticky" });
  });

  it("records each entity's assignment once, as an exposure of its variant", async () => {
    const store = memoryStore();
    const abkit = newEngine(store);
    await abkit.experiments.create(promptExperiment());
    const { id } = await abkit.experiments.start(key);
    const seen = new Map<string, string | null>();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) {
        const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId: `u${i}` });
        if (round > 0) expect(variantKey).toBe(seen.get(`u${i}`));
        seen.set(`u${i}`, variantKey);
      }
    }
    await abkit.flush();
    const { exposures } = await store.readAggregates("default", id);
    expect((exposures.control ?? 0) + (exposures.treatment ?? 0)).toBe(50);
    expect(exposures.control).toBe([...seen.values()].filter((v) => v === "control").length);
  });

  it("forces overridden entities into their variant without recording an exposure", async () => {
    const store = memoryStore();
    const abkit = newEngine(store);
    await abkit.experiments.create(
      promptExperiment({ coverage: 0, overrides: { qa_anna: "treatment" } }),
    );
    const { id } = await abkit.experiments.start(key);
    const result = await abkit.evaluate({ experimentKey: key, entityId: "qa_anna" });
    expect(result).toMatchObject({ variantKey: "treatment", reason: "override" });
    await abkit.flush();
    expect(await store.getAssignment("default", id, "qa_anna")).toBeNull();
  });

  it("types config from the type argument", async () => {
    const abkit = await runningEngine();
    const result = await abkit.evaluate<{ prompt: string; temperature: number }>({
      experimentKey: key,
      entityId: "u",
    });
    expectTypeOf(result.config).toEqualTypeOf<{ prompt: string; temperature: number } | null>();
  });

  it("rejects malformed calls with validation_failed naming the field", async () => {
    const abkit = await runningEngine();
    await expect(abkit.evaluate({ experimentKey: key, entityId: "" })).rejects.toThrow(
      "entityId: must be a non-empty string",
    );
    await expect(
      abkit.evaluate({ experimentKey: key, entityId: "u", properties: [] as never }),
    ).rejects.toMatchObject({
      code: "validation_failed",
    });
  });

  it("fails calls after close() with the closed code", async () => {
    const abkit = await runningEngine();
    await abkit.close();
    await expect(abkit.evaluate({ experimentKey: key, entityId: "u" })).rejects.toMatchObject({
      code: "closed",
    });
  });
});
