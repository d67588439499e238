import { memoryStore } from "@abkit/memory";
import { afterEach, describe, expect, it } from "vitest";
import { type Abkit, createAbkit } from "../../src/index.js";

const ENTITIES = 4000;
let abkit: Abkit;

afterEach(async () => abkit?.close());

async function setUp(covers?: string[]) {
  abkit = createAbkit({ store: memoryStore() });
  for (const key of ["prompt", "onboarding"]) {
    await abkit.experiments.create({
      key,
      variants: [
        { key: "control", weight: 50, config: { v: 1 } },
        { key: "treatment", weight: 50, config: { v: 2 } },
      ],
    });
    await abkit.experiments.start(key);
  }
  await abkit.holdouts.create({
    key: "q4_holdout",
    share: 0.1,
    ...(covers ? { covers } : {}),
    metrics: [{ name: "purchases", kind: "count", primary: true }],
  });
  await abkit.experiments.start("q4_holdout");
}

describe("holdouts", () => {
  it("keep their share out of every covered experiment, always, and measure them against the rest", async () => {
    await setUp();
    const held = new Set<string>();
    for (let i = 0; i < ENTITIES; i++) {
      const entityId = `u${i}`;
      const first = await abkit.evaluate({ experimentKey: "prompt", entityId });
      const second = await abkit.evaluate({ experimentKey: "onboarding", entityId });
      // The same entities are held out of both experiments, and only they get nothing.
      expect(first.reason === "holdout").toBe(second.reason === "holdout");
      if (first.reason === "holdout") {
        held.add(entityId);
        expect(first).toMatchObject({ variantKey: null, config: null });
        expect(second).toMatchObject({ variantKey: null, config: null });
      } else {
        expect(first.variantKey).not.toBeNull();
      }
    }
    // 10% of 4000 = 400 ± 19 (one standard deviation).
    expect(held.size).toBeGreaterThan(340);
    expect(held.size).toBeLessThan(460);

    // Held-out entities never got a variant: the experiments' exposures leave them out.
    const prompt = await abkit.results("prompt");
    expect(prompt.variants.reduce((sum, variant) => sum + variant.users, 0)).toBe(
      ENTITIES - held.size,
    );

    // Their purchases against everyone else's, from the holdout's own results.
    const purchases = Array.from({ length: ENTITIES }, (_, i) => ({
      entityId: `u${i}`,
      metricName: "purchases",
      value: held.has(`u${i}`) ? 1 : 2,
    }));
    for (let i = 0; i < ENTITIES; i += 1000) await abkit.track(purchases.slice(i, i + 1000));
    const results = await abkit.results("q4_holdout");
    expect(results.control).toBe("holdout");
    expect(results.variants).toEqual([
      { key: "holdout", weight: 10, users: held.size },
      { key: "exposed", weight: 90, users: ENTITIES - held.size },
    ]);
    expect(results.srm?.mismatch).toBe(false);
    expect(results.metrics[0]?.variants[1]?.comparison?.absolute.estimate).toBeCloseTo(1, 12);
  });

  it("cover only the experiments they name", async () => {
    await setUp(["prompt"]);
    let heldOutOfPrompt = 0;
    for (let i = 0; i < 1000; i++) {
      const entityId = `u${i}`;
      const prompt = await abkit.evaluate({ experimentKey: "prompt", entityId });
      const onboarding = await abkit.evaluate({ experimentKey: "onboarding", entityId });
      if (prompt.reason === "holdout") heldOutOfPrompt++;
      expect(onboarding.variantKey).not.toBeNull();
    }
    expect(heldOutOfPrompt).toBeGreaterThan(50);
  });

  it("win over an assignment made before they started, and stop applying once stopped", async () => {
    abkit = createAbkit({ store: memoryStore() });
    await abkit.experiments.create({
      key: "prompt",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
    });
    await abkit.experiments.start("prompt");
    const ids = Array.from({ length: 300 }, (_, i) => `u${i}`);
    for (const entityId of ids) await abkit.evaluate({ experimentKey: "prompt", entityId });
    await abkit.holdouts.create({ key: "holdout", share: 0.2 });
    await abkit.experiments.start("holdout");
    const reasons = await Promise.all(
      ids.map(
        async (entityId) => (await abkit.evaluate({ experimentKey: "prompt", entityId })).reason,
      ),
    );
    expect(reasons.filter((reason) => reason === "holdout").length).toBeGreaterThan(30);
    expect(reasons.every((reason) => reason === "holdout" || reason === "assigned")).toBe(true);

    await abkit.experiments.stop("holdout");
    for (const entityId of ids) {
      expect(
        (await abkit.evaluate({ experimentKey: "prompt", entityId })).variantKey,
      ).not.toBeNull();
    }
  });

  it("serve a held-out entity the flag's default, whatever the rules say", async () => {
    abkit = createAbkit({ store: memoryStore() });
    await abkit.flags.create({
      key: "new_checkout",
      type: "boolean",
      defaultValue: false,
      enabled: true,
      rules: [{ condition: {}, value: true }],
    });
    await abkit.experiments.create({
      key: "checkout_test",
      flagKey: "new_checkout",
      variants: [
        { key: "off", weight: 50, config: false },
        { key: "on", weight: 50, config: true },
      ],
    });
    await abkit.experiments.start("checkout_test");
    await abkit.holdouts.create({ key: "holdout", share: 0.5 });
    await abkit.experiments.start("holdout");
    const reasons = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const flag = await abkit.evaluateFlag("new_checkout", { entityId: `u${i}` });
      reasons.add(flag?.reason ?? "");
      if (flag?.reason === "holdout") expect(flag.value).toBe(false);
      else expect(flag?.reason).toBe("experiment");
    }
    expect(reasons).toEqual(new Set(["holdout", "experiment"]));
  });

  it("show in peek without recording anything", async () => {
    await setUp();
    let held = "";
    for (let i = 0; held === "" && i < 200; i++) {
      const peeked = await abkit.peek({ experimentKey: "prompt", entityId: `u${i}` });
      if (peeked.reason === "holdout") held = `u${i}`;
    }
    expect(held).not.toBe("");
    const results = await abkit.results("q4_holdout");
    expect(results.variants.every((variant) => variant.users === 0)).toBe(true);
    expect((await abkit.evaluate({ experimentKey: "prompt", entityId: held })).reason).toBe(
      "holdout",
    );
  });

  it("refuse targeting of their own and shares outside (0, 0.5]", async () => {
    abkit = createAbkit({ store: memoryStore() });
    await expect(abkit.holdouts.create({ key: "h", share: 0.6 })).rejects.toMatchObject({
      code: "validation_failed",
    });
    await expect(
      abkit.experiments.create({
        key: "h2",
        variants: [
          { key: "holdout", weight: 10 },
          { key: "exposed", weight: 90 },
        ],
        holdout: { covers: null },
        coverage: 0.5,
      }),
    ).rejects.toThrow(/coverage 1/);
    await expect(
      abkit.experiments.create({
        key: "h3",
        variants: [
          { key: "a", weight: 10 },
          { key: "b", weight: 90 },
        ],
        holdout: { covers: null },
      }),
    ).rejects.toThrow(/"holdout" and "exposed"/);
    expect(await abkit.holdouts.list()).toEqual([]);
  });
});
