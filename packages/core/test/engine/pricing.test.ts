import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { createAbkit, priceExecution } from "../../src/index.js";
import { promptExperiment } from "./fixtures.js";

const pricing = {
  variants: { control: { input: 0.5, output: 1.5 }, treatment: { input: 3, output: 15 } },
  inputTokens: "input_tokens",
  outputTokens: "output_tokens",
  metric: "cost",
};

async function pricedEngine() {
  const store = memoryStore();
  const abkit = createAbkit({ store });
  await abkit.experiments.create(
    promptExperiment({
      pricing: { variants: { control: pricing.variants.control } },
      metrics: [{ name: "cost", kind: "mean", unit: "execution", primary: true }],
    }),
  );
  await abkit.experiments.start("math-bot-system-prompt-v2");
  return { abkit, store };
}

describe("pricing", () => {
  it("prices each variant's tokens at its own rates per 1,000 tokens", () => {
    const tokens = { input_tokens: 2000, output_tokens: 400 };
    expect(priceExecution(pricing, "control", tokens).cost).toBeCloseTo(2 * 0.5 + 0.4 * 1.5, 12);
    expect(priceExecution(pricing, "treatment", tokens).cost).toBeCloseTo(2 * 3 + 0.4 * 15, 12);
  });

  it("counts a missing token metric as 0 only when the other is present", () => {
    expect(priceExecution(pricing, "treatment", { output_tokens: 1000 }).cost).toBe(15);
    expect(priceExecution(pricing, "treatment", { input_tokens: 1000 }).cost).toBe(3);
    expect(priceExecution(pricing, "treatment", { latency_ms: 10 })).toEqual({ latency_ms: 10 });
  });

  it("keeps a cost the log carries, and leaves unpriced variants and experiments alone", () => {
    const carried = { input_tokens: 1000, output_tokens: 1000, cost: 42 };
    expect(priceExecution(pricing, "control", carried)).toEqual(carried);
    const tokens = { input_tokens: 1000, output_tokens: 1000 };
    expect(priceExecution(pricing, "unpriced", tokens)).toEqual(tokens);
    expect(priceExecution(null, "control", tokens)).toEqual(tokens);
    const custom = { ...pricing, metric: "usd", inputTokens: "in", outputTokens: "out" };
    expect(priceExecution(custom, "control", { in: 1000, out: 2000 })).toEqual({
      in: 1000,
      out: 2000,
      usd: 0.5 + 3,
    });
  });

  it("stores the cost on the log and counts it in the variant's log summary", async () => {
    const { abkit } = await pricedEngine();
    const key = "math-bot-system-prompt-v2";
    const { logId } = await abkit.log(key, {
      variantKey: "control",
      metrics: { input_tokens: 1000, output_tokens: 2000 },
    });
    await abkit.log(key, { variantKey: "control", metrics: { input_tokens: 1, cost: 7 } });
    // `treatment` has no prices: its log keeps what it carries.
    await abkit.log(key, { variantKey: "treatment", metrics: { input_tokens: 1000 } });
    const { logs } = await abkit.logs(key);
    const priced = logs.find((log) => log.id === logId);
    expect(priced?.metrics).toEqual({ input_tokens: 1000, output_tokens: 2000, cost: 0.5 + 3 });
    expect(logs.find((log) => log.variantKey === "treatment")?.metrics).toEqual({
      input_tokens: 1000,
    });
    const results = await abkit.results(key);
    const cost = results.logMetrics.find((metric) => metric.name === "cost");
    expect(cost?.variants.map((variant) => [variant.variantKey, variant.count])).toEqual([
      ["control", 2],
      ["treatment", 0],
    ]);
    expect(cost?.variants[0]?.mean).toBeCloseTo((3.5 + 7) / 2, 12);
    await abkit.close();
  });
});
