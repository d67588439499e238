import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { newEngine, promptExperiment } from "./fixtures.js";

const key = "math-bot-system-prompt-v2";

// Everything but what a write always moves.
const unchanged = <T extends { revision: number; updatedAt: string }>(record: T) => {
  const { revision, updatedAt, ...rest } = record;
  return rest;
};

describe("partial updates change only the fields they name", () => {
  it("renaming a running experiment keeps its segments, coverage and the rest", async () => {
    const abkit = newEngine();
    await abkit.segments.create({ key: "es", condition: { country: "ES" } });
    await abkit.experiments.create(
      promptExperiment({
        segments: ["es"],
        coverage: 0.3,
        namespace: { id: "checkout", range: [0, 0.5] },
        environment: "staging",
        overrides: { qa: "treatment" },
      }),
    );
    const before = await abkit.experiments.start(key);
    const after = await abkit.experiments.update(key, { name: "Prompt v2" });
    expect(unchanged(after)).toEqual({ ...unchanged(before), name: "Prompt v2" });
    expect(await newEngine(abkit.store).experiments.get(key)).toEqual(after);
  });

  it("updates a running experiment on the legacy hash (version 1)", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment({ hashVersion: 1 }));
    await abkit.experiments.start(key);
    const after = await abkit.experiments.update(key, { description: "legacy hash" });
    expect(after).toMatchObject({ hashVersion: 1, description: "legacy hash" });
  });

  it("a flag's new default value leaves it enabled with its rules", async () => {
    const abkit = newEngine();
    const before = await abkit.flags.create({
      key: "checkout",
      type: "string",
      defaultValue: "old",
      enabled: true,
      rules: [{ condition: { country: "ES" }, value: "es" }],
    });
    const after = await abkit.flags.update("checkout", { defaultValue: "new" });
    expect(unchanged(after)).toEqual({ ...unchanged(before), defaultValue: "new" });
  });

  it("attaching an experiment to a flag keeps its coverage, hash, namespace, metrics and overrides", async () => {
    const abkit = newEngine();
    await abkit.flags.create({ key: "prompt", type: "json", defaultValue: null });
    const before = await abkit.experiments.create(
      promptExperiment({
        coverage: 0.4,
        hashVersion: 1,
        namespace: { id: "n", range: [0.2, 0.6] },
        overrides: { qa: "control" },
        metrics: [{ name: "conversion", kind: "count", primary: true }],
      }),
    );
    const after = await abkit.flags.attach("prompt", key);
    expect(unchanged(after)).toEqual({ ...unchanged(before), flagKey: "prompt" });
  });

  it("a field passed as undefined keeps its stored value", async () => {
    const abkit = newEngine();
    const before = await abkit.experiments.create(promptExperiment({ coverage: 0.5 }));
    const after = await abkit.experiments.update(key, { coverage: undefined, name: "n" });
    expect(unchanged(after)).toEqual({ ...unchanged(before), name: "n" });
  });

  it("a segment's new name keeps its condition", async () => {
    const abkit = newEngine(memoryStore());
    const before = await abkit.segments.create({ key: "es", condition: { country: "ES" } });
    const after = await abkit.segments.update("es", { name: "Spain" });
    expect(unchanged(after)).toEqual({ ...unchanged(before), name: "Spain" });
  });

  it("frozen fields: the same value again is accepted (in any key order), another is refused", async () => {
    const abkit = newEngine();
    const created = await abkit.experiments.create(promptExperiment());
    await abkit.experiments.start(key);
    const reordered = created.variants.map(({ config, ...variant }) => ({
      config: Object.fromEntries(Object.entries(config as object).reverse()),
      ...variant,
    }));
    await expect(
      abkit.experiments.update(key, { variants: reordered, hashVersion: 2, name: "same" }),
    ).resolves.toMatchObject({ name: "same", variants: created.variants });
    await expect(abkit.experiments.update(key, { hashVersion: 1 })).rejects.toMatchObject({
      code: "invalid_transition",
    });
  });
});
