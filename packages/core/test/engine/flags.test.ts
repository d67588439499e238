import { describe, expect, it } from "vitest";
import { newEngine } from "./fixtures.js";

async function checkoutFlag() {
  const abkit = newEngine();
  await abkit.flags.create({
    key: "checkout_flow",
    type: "string",
    defaultValue: "control",
    enabled: true,
    rules: [
      { id: "beta-testers", condition: { plan: "beta" }, value: "beta_checkout" },
      { id: "spain", condition: { country: "ES" }, value: "es_checkout" },
    ],
  });
  await abkit.experiments.create({
    key: "checkout-flow-test",
    variants: [
      { key: "control", weight: 50, config: "old_checkout" },
      { key: "treatment", weight: 50, config: "new_checkout" },
    ],
  });
  await abkit.flags.attach("checkout_flow", "checkout-flow-test");
  return abkit;
}

describe("flags", () => {
  it("serves the first matching rule, else the default", async () => {
    const abkit = await checkoutFlag();
    const beta = await abkit.evaluateFlags({
      context: { user_id: "usr_1", plan: "beta", country: "ES" },
    });
    expect(beta.flags.checkout_flow).toEqual({
      value: "beta_checkout",
      ruleId: "beta-testers",
      reason: "rule",
    });
    const spain = await abkit.evaluateFlags({ context: { user_id: "usr_1", country: "ES" } });
    expect(spain.flags.checkout_flow).toMatchObject({ value: "es_checkout", ruleId: "spain" });
    const other = await abkit.evaluateFlags({ context: { user_id: "usr_1", country: "DE" } });
    expect(other.flags.checkout_flow).toEqual({
      value: "control",
      ruleId: null,
      reason: "default",
    });
  });

  it("serves the default and ignores rules while disabled", async () => {
    const abkit = await checkoutFlag();
    await abkit.flags.update("checkout_flow", { enabled: false });
    const result = await abkit.evaluateFlags({ context: { user_id: "usr_1", plan: "beta" } });
    expect(result.flags.checkout_flow).toEqual({
      value: "control",
      ruleId: null,
      reason: "disabled",
    });
  });

  it("serves the assigned variant's value while an attached experiment runs, then reverts when it stops", async () => {
    const abkit = await checkoutFlag();
    await abkit.experiments.start("checkout-flow-test");
    const values = new Set<unknown>();
    for (let i = 0; i < 200; i++) {
      const { flags } = await abkit.evaluateFlags({
        environment: "production",
        context: { user_id: `usr_${i}`, plan: "beta" },
      });
      expect(flags.checkout_flow?.ruleId).toBeNull();
      expect(flags.checkout_flow?.reason).toBe("experiment");
      values.add(flags.checkout_flow?.value);
      // The same user always receives the same variant.
      const again = await abkit.evaluateFlag("checkout_flow", { context: { user_id: `usr_${i}` } });
      expect(again?.value).toBe(flags.checkout_flow?.value);
    }
    expect(values).toEqual(new Set(["old_checkout", "new_checkout"]));

    await abkit.experiments.stop("checkout-flow-test");
    const after = await abkit.evaluateFlags({ context: { user_id: "usr_1", plan: "beta" } });
    expect(after.flags.checkout_flow).toMatchObject({
      value: "beta_checkout",
      ruleId: "beta-testers",
    });
  });

  it("serves variants of a running experiment even while the flag's rules are disabled (seed 002)", async () => {
    const abkit = newEngine();
    await abkit.flags.create({ key: "checkout_flow", type: "string", defaultValue: "control" });
    await abkit.experiments.create({
      key: "checkout-flow-test",
      flagKey: "checkout_flow",
      variants: [
        { key: "control", weight: 50, config: "old_checkout" },
        { key: "treatment", weight: 50, config: "new_checkout" },
      ],
    });
    expect(
      (await abkit.evaluateFlags({ context: { user_id: "usr_123" } })).flags.checkout_flow?.value,
    ).toBe("control");
    await abkit.experiments.start("checkout-flow-test");
    const { flags } = await abkit.evaluateFlags({ context: { user_id: "usr_123" } });
    expect(["old_checkout", "new_checkout"]).toContain(flags.checkout_flow?.value);
    expect(flags.checkout_flow).toMatchObject({ experimentKey: "checkout-flow-test" });
  });

  it("checks every value against the flag's type", async () => {
    const abkit = newEngine();
    await expect(
      abkit.flags.create({ key: "f", type: "boolean", defaultValue: "yes" }),
    ).rejects.toThrow("defaultValue: must be a boolean");
    await abkit.flags.create({ key: "limit", type: "number", defaultValue: 10 });
    await expect(
      abkit.flags.update("limit", { rules: [{ condition: {}, value: "many" }] }),
    ).rejects.toThrow("rules.0.value: must be a number");
    await abkit.experiments.create({
      key: "limits",
      variants: [
        { key: "a", weight: 50, config: 10 },
        { key: "b", weight: 50, config: { max: 20 } },
      ],
    });
    await expect(abkit.flags.attach("limit", "limits")).rejects.toThrow(
      "variants.1.config: must be a number",
    );
    await expect(abkit.flags.attach("missing", "limits")).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("gives rules generated ids and keeps given ones", async () => {
    const abkit = newEngine();
    const flag = await abkit.flags.create({
      key: "dark_mode",
      type: "boolean",
      defaultValue: false,
      enabled: true,
      rules: [
        { condition: { beta: true }, value: true },
        { id: "staff", condition: { staff: true }, value: true },
      ],
    });
    expect(flag.rules[0]?.id).toMatch(/^rule_/);
    expect(flag.rules[1]?.id).toBe("staff");
    expect(flag.enabled).toBe(true);
  });

  it("refuses to attach a running experiment", async () => {
    const abkit = await checkoutFlag();
    await abkit.flags.create({ key: "other_flow", type: "string", defaultValue: "x" });
    await abkit.experiments.start("checkout-flow-test");
    await expect(abkit.flags.attach("other_flow", "checkout-flow-test")).rejects.toMatchObject({
      code: "invalid_transition",
    });
    expect((await abkit.flags.experiments("checkout_flow")).map((e) => e.key)).toEqual([
      "checkout-flow-test",
    ]);
  });
});
