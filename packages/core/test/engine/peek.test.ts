import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { newEngine, promptExperiment } from "./fixtures.js";

const key = "math-bot-system-prompt-v2";

describe("peek", () => {
  it("tells the variant an entity would get without recording an assignment or an exposure", async () => {
    const store = memoryStore();
    const abkit = newEngine(store);
    await abkit.experiments.create(promptExperiment());
    const { id } = await abkit.experiments.start(key);

    const peeked = await abkit.peek({ experimentKey: key, entityId: "user_42" });
    expect(peeked).toMatchObject({ reason: "assigned", assigned: false });
    await abkit.flush();
    expect(await store.getAssignment("default", id, "user_42")).toBeNull();
    expect((await store.readAggregates("default", id)).exposures).toEqual({});

    // What peek said is what evaluate then assigns.
    const evaluated = await abkit.evaluate({ experimentKey: key, entityId: "user_42" });
    expect(evaluated.variantKey).toBe(peeked.variantKey);
    expect(evaluated.config).toEqual(peeked.config);
  });

  it("returns a stored assignment, also after targeting stopped admitting the entity", async () => {
    const store = memoryStore();
    const abkit = newEngine(store);
    await abkit.experiments.create(promptExperiment());
    await abkit.experiments.start(key);
    const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId: "user_42" });
    await abkit.flush();
    await abkit.experiments.update(key, { coverage: 0 });
    // A fresh engine, as an admin tool in another process would be.
    const admin = newEngine(store);
    expect(await admin.peek({ experimentKey: key, entityId: "user_42" })).toMatchObject({
      variantKey,
      reason: "sticky",
      assigned: true,
    });
    expect(await admin.peek({ experimentKey: key, entityId: "user_7" })).toMatchObject({
      variantKey: null,
      reason: "outside_coverage",
      assigned: false,
    });
  });

  it("gives the null cases and overrides like evaluate", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment({ overrides: { qa: "treatment" } }));
    expect(await abkit.peek({ experimentKey: key, entityId: "qa" })).toMatchObject({
      variantKey: null,
      reason: "not_running",
    });
    await abkit.experiments.start(key);
    expect(await abkit.peek({ experimentKey: key, entityId: "qa" })).toMatchObject({
      variantKey: "treatment",
      reason: "override",
    });
    expect(await abkit.peek({ experimentKey: "nope", entityId: "qa" })).toMatchObject({
      reason: "unknown_experiment",
    });
    await expect(abkit.peek({ experimentKey: key, entityId: "" })).rejects.toMatchObject({
      code: "validation_failed",
    });
  });
});
