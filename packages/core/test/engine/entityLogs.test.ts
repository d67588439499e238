import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { createAbkit, type Store } from "../../src/index.js";
import { failingStore } from "../support/failingStore.js";
import { promptExperiment } from "./fixtures.js";

const KEY = "math-bot-system-prompt-v2";

async function setUp(store: Store) {
  const abkit = createAbkit({ store });
  const experiment = await abkit.experiments.create(
    promptExperiment({
      metrics: [
        { name: "thumbs_up", kind: "binomial", primary: true },
        { name: "latency_ms", kind: "mean" },
        { name: "tokens", kind: "sum", cap: 1000 },
      ],
    }),
  );
  await abkit.experiments.start(KEY);
  const { variantKey } = await abkit.evaluate({ experimentKey: KEY, entityId: "u1" });
  return { abkit, experimentId: experiment.id, variantKey: variantKey as string };
}

async function entityMetric(store: Store, experimentId: string, name: string, variant: string) {
  return (await store.readAggregates("default", experimentId)).metrics[name]?.[variant];
}

describe("logs that name an entity", () => {
  it("count their metrics as the entity's events in the experiment, with its caps", async () => {
    const store = memoryStore();
    const { abkit, experimentId, variantKey } = await setUp(store);
    await abkit.log(KEY, { variantKey, entityId: "u1", metrics: { latency_ms: 120, tokens: 800 } });
    await abkit.log(KEY, { variantKey, entityId: "u1", metrics: { latency_ms: 80, tokens: 800 } });
    expect(await entityMetric(store, experimentId, "latency_ms", variantKey)).toEqual({
      events: 2,
      sum: 200,
      sumSquares: 200 * 200,
      entities: 1,
    });
    // The experiment caps each entity's tokens at 1000.
    expect((await entityMetric(store, experimentId, "tokens", variantKey))?.sum).toBe(1000);
    const { logs } = await abkit.logs(KEY);
    expect(logs.map((log) => log.entityId)).toEqual(["u1", "u1"]);
    // Still one execution each in the log summaries.
    const results = await abkit.results(KEY);
    const latency = results.logMetrics.find((metric) => metric.name === "latency_ms");
    expect(latency?.variants.find((v) => v.variantKey === variantKey)?.count).toBe(2);
    await abkit.close();
  });

  it("change nothing in the entity aggregates without an entityId", async () => {
    const store = memoryStore();
    const { abkit, experimentId, variantKey } = await setUp(store);
    await abkit.log(KEY, { variantKey, metrics: { latency_ms: 120 } });
    expect(await entityMetric(store, experimentId, "latency_ms", variantKey)).toBeUndefined();
    expect((await abkit.logs(KEY)).logs[0]?.entityId).toBeNull();
    await abkit.close();
  });

  it.each([
    ["applyEvents", "before"],
    ["applyEvents", "after"],
    ["appendLog", "before"],
    ["appendLog", "after"],
  ] as const)("count exactly once when %s fails once (%s the write)", async (method, phase) => {
    const failing = failingStore(memoryStore());
    const { abkit, experimentId, variantKey } = await setUp(failing.store);
    failing.failNext(method, phase);
    const { logId } = await abkit.log(KEY, {
      variantKey,
      entityId: "u1",
      metrics: { latency_ms: 120 },
    });
    expect(failing.calls(method)).toBeGreaterThanOrEqual(2);
    expect(await entityMetric(failing.store, experimentId, "latency_ms", variantKey)).toEqual({
      events: 1,
      sum: 120,
      sumSquares: 14_400,
      entities: 1,
    });
    const { logs } = await abkit.logs(KEY);
    expect(logs.map((log) => log.id)).toEqual([logId]);
    const results = await abkit.results(KEY);
    const latency = results.logMetrics.find((metric) => metric.name === "latency_ms");
    expect(latency?.variants.find((v) => v.variantKey === variantKey)?.count).toBe(1);
    await abkit.close();
  });

  it("write nothing when the events cannot be written, so the caller's retry counts once", async () => {
    const failing = failingStore(memoryStore());
    const { abkit, experimentId, variantKey } = await setUp(failing.store);
    for (let i = 0; i < 3; i++) failing.failNext("applyEvents");
    const entry = { variantKey, entityId: "u1", metrics: { latency_ms: 120 } };
    await expect(abkit.log(KEY, entry)).rejects.toMatchObject({ code: "store_unavailable" });
    expect((await abkit.logs(KEY)).logs).toEqual([]);
    expect(
      await entityMetric(failing.store, experimentId, "latency_ms", variantKey),
    ).toBeUndefined();
    await abkit.log(KEY, entry);
    expect((await abkit.logs(KEY)).logs).toHaveLength(1);
    expect(
      (await entityMetric(failing.store, experimentId, "latency_ms", variantKey))?.events,
    ).toBe(1);
    await abkit.close();
  });
});
