import { describe, expect, it } from "vitest";
import { runCheckout } from "../src/checkout.js";

describe("checkout-flag example", () => {
  it("runs seed 002's story: flag, experiment, conversions once per user, revert on stop", async () => {
    const run = await runCheckout(4000, 2026);

    // A draft experiment serves nothing: the flag's default.
    expect(run.beforeStart).toEqual({ value: "control", reason: "default" });

    // While running, the flag serves the variants' values, about 50/50.
    expect(Object.keys(run.served).sort()).toEqual(["new_checkout", "old_checkout"]);
    expect(Math.abs((run.served.new_checkout ?? 0) / 4000 - 0.5)).toBeLessThan(0.03);

    // Double submits are ignored: every conversion sent is either counted or deduped, and
    // exactly the counted ones show up in the results.
    expect(run.deduped).toBeGreaterThan(0);
    expect(run.accepted + run.deduped).toBe(run.sent);
    const counted = run.variants.reduce((sum, variant) => sum + variant.conversions, 0);
    expect(counted).toBe(run.accepted);

    // Stopped: every user gets the default again, and conversions are refused.
    expect(run.afterStop).toHaveLength(2);
    for (const evaluation of run.afterStop) {
      expect(evaluation).toEqual({ value: "control", reason: "default" });
    }
    expect(run.afterStopTrack).toBe("experiment_not_running");

    // Results: control first, then the treatment with its comparison.
    const [control, treatment] = run.variants;
    expect(control).toMatchObject({ variantKey: "control", value: "old_checkout", uplift: null });
    expect(treatment).toMatchObject({ variantKey: "treatment", value: "new_checkout" });
    expect(control!.users + treatment!.users).toBe(4000);
    expect(treatment!.rate!).toBeGreaterThan(control!.rate!);
    expect(treatment!.uplift!.estimate).toBeGreaterThan(0);
    const [low, high] = treatment!.uplift!.ci!;
    expect(low).toBeLessThan(treatment!.uplift!.estimate);
    expect(high).toBeGreaterThan(treatment!.uplift!.estimate);
    expect(treatment!.pValue!).toBeGreaterThan(0);
    expect(treatment!.pValue!).toBeLessThan(1);
    expect(treatment!.chanceToBeatControl!).toBeGreaterThan(0.5);
    expect(treatment!.chanceToBeatControl!).toBeLessThanOrEqual(1);

    const text = run.lines.join("\n");
    expect(text).toMatch(
      /treatment +new_checkout +users +\d+ +conversions +\d+ +rate [\d.]+% +uplift/,
    );
    expect(text).toContain("sample-ratio check: ok");
  });
});
