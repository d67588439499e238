import { describe, expect, it } from "vitest";
import { newEngine, promptExperiment } from "./fixtures.js";

async function checkout() {
  const abkit = newEngine();
  const flag = await abkit.flags.create({
    key: "checkout_flow",
    type: "string",
    defaultValue: "a",
  });
  await abkit.flags.create({ key: "dark_mode", type: "boolean", defaultValue: false });
  const variants = [
    { key: "control", weight: 50, config: "a" },
    { key: "treatment", weight: 50, config: "b" },
  ];
  const attached = await abkit.experiments.create({ key: "checkout-test", variants });
  await abkit.flags.attach("checkout_flow", "checkout-test");
  const loose = await abkit.experiments.create(promptExperiment());
  return { abkit, flag, attached, loose };
}

describe("abkit.flags.find and findExperiment", () => {
  it("find a flag and its experiment by id or by key", async () => {
    const { abkit, flag, attached } = await checkout();
    expect(await abkit.flags.find(flag.id)).toEqual(flag);
    expect(await abkit.flags.find("checkout_flow")).toEqual(flag);
    for (const idOrKey of [attached.id, "checkout-test"]) {
      expect(await abkit.flags.findExperiment("checkout_flow", idOrKey)).toMatchObject({
        id: attached.id,
        flagKey: "checkout_flow",
      });
    }
  });

  it("answer null for an unknown flag or an experiment not attached to the flag", async () => {
    const { abkit, loose } = await checkout();
    expect(await abkit.flags.find("no_such_flag")).toBeNull();
    expect(await abkit.flags.findExperiment("checkout_flow", loose.id)).toBeNull();
    expect(await abkit.flags.findExperiment("checkout_flow", loose.key)).toBeNull();
    expect(await abkit.flags.findExperiment("dark_mode", "checkout-test")).toBeNull();
    expect(await abkit.flags.findExperiment("checkout_flow", "no-such-test")).toBeNull();
  });

  it("is not_found for the experiments of an unknown flag", async () => {
    const { abkit } = await checkout();
    await expect(abkit.flags.findExperiment("no_such_flag", "checkout-test")).rejects.toMatchObject(
      { code: "not_found", details: { kind: "flag", key: "no_such_flag" } },
    );
  });

  it("prefers an id to a key, as seed 002's paths do", async () => {
    const { abkit, flag } = await checkout();
    // A flag whose key is another flag's id: the id wins.
    const lookalike = await abkit.flags.create({ key: flag.id, type: "number", defaultValue: 1 });
    expect((await abkit.flags.find(flag.id))?.key).toBe("checkout_flow");
    expect((await abkit.flags.find(lookalike.id))?.key).toBe(flag.id);
  });

  it("refuses missing or non-string arguments with validation_failed", async () => {
    const { abkit } = await checkout();
    const bad = [undefined, "", 7] as unknown as string[];
    for (const value of bad) {
      await expect(abkit.flags.find(value)).rejects.toMatchObject({ code: "validation_failed" });
      await expect(abkit.flags.findExperiment("checkout_flow", value)).rejects.toMatchObject({
        code: "validation_failed",
      });
      await expect(abkit.flags.findExperiment(value, "checkout-test")).rejects.toMatchObject({
        code: "validation_failed",
      });
    }
  });
});
