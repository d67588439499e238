import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { createAbkit, MAX_SCORES_PER_LOG, type Store } from "../../src/index.js";
import { failingStore } from "../support/failingStore.js";
import { promptExperiment } from "./fixtures.js";

const KEY = "math-bot-system-prompt-v2";

async function setUp(store: Store = memoryStore()) {
  const abkit = createAbkit({ store });
  const experiment = await abkit.experiments.create(
    promptExperiment({ metrics: [{ name: "judge", kind: "mean", primary: true }] }),
  );
  await abkit.experiments.start(KEY);
  const { variantKey } = await abkit.evaluate({ experimentKey: KEY, entityId: "u1" });
  const variant = variantKey as string;
  const { logId } = await abkit.log(KEY, { variantKey: variant, entityId: "u1" });
  return { abkit, store, experimentId: experiment.id, variant, logId };
}

async function judge(store: Store, experimentId: string, variant: string) {
  const aggregates = await store.readAggregates("default", experimentId);
  const summaries = await store.readLogSummaries("default", experimentId);
  return { entity: aggregates.metrics.judge?.[variant], summary: summaries[variant]?.judge };
}

describe("scores", () => {
  it("attach to the log, count in its summary and as its entity's event", async () => {
    const { abkit, store, experimentId, variant, logId } = await setUp();
    const result = await abkit.score({ logId, name: "judge", value: 0.8, source: "llm-judge" });
    expect(result).toMatchObject({ logId, key: "judge", created: true });
    expect(result.score).toMatchObject({ name: "judge", value: 0.8, source: "llm-judge" });
    const { entity, summary } = await judge(store, experimentId, variant);
    expect(entity).toEqual({ events: 1, sum: 0.8, sumSquares: 0.8 * 0.8, entities: 1 });
    expect(summary?.count).toBe(1);
    const { logs } = await abkit.logs(KEY);
    expect(logs[0]?.scores?.map((score) => [score.key, score.value])).toEqual([["judge", 0.8]]);
    await abkit.close();
  });

  it("count 50 concurrent repeats of one key once, and keep the first value on a repeat", async () => {
    const { abkit, store, experimentId, variant, logId } = await setUp();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => abkit.score({ logId, name: "judge", value: 1 })),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const repeat = await abkit.score({ logId, name: "judge", value: 0 });
    expect(repeat).toMatchObject({ created: false, score: { value: 1 } });
    const { entity, summary } = await judge(store, experimentId, variant);
    expect(entity).toMatchObject({ events: 1, sum: 1, entities: 1 });
    expect(summary).toMatchObject({ count: 1, sum: 1 });
    // Another key of the same name is another score.
    await abkit.score({ logId, name: "judge", value: 0, idempotencyKey: "second-judge" });
    expect((await judge(store, experimentId, variant)).summary).toMatchObject({ count: 2 });
    await abkit.close();
  });

  it.each([
    ["attachScore", "before"],
    ["attachScore", "after"],
    ["applyEvents", "before"],
    ["applyEvents", "after"],
  ] as const)("count exactly once when %s fails once (%s the write)", async (method, phase) => {
    const failing = failingStore(memoryStore());
    const { abkit, experimentId, variant, logId } = await setUp(failing.store);
    failing.failNext(method, phase);
    const result = await abkit.score({ logId, name: "judge", value: 0.5 });
    expect(result.score.value).toBe(0.5);
    const { entity, summary } = await judge(failing.store, experimentId, variant);
    expect(entity).toMatchObject({ events: 1, sum: 0.5 });
    expect(summary).toMatchObject({ count: 1, sum: 0.5 });
    await abkit.close();
  });

  it("count once when the caller retries after the entity step failed for good", async () => {
    const failing = failingStore(memoryStore());
    const { abkit, experimentId, variant, logId } = await setUp(failing.store);
    for (let i = 0; i < 3; i++) failing.failNext("applyEvents");
    await expect(abkit.score({ logId, name: "judge", value: 0.5 })).rejects.toMatchObject({
      code: "store_unavailable",
    });
    expect((await judge(failing.store, experimentId, variant)).entity).toBeUndefined();
    // The repeat finds the stored score and applies its event: counted exactly once.
    const retry = await abkit.score({ logId, name: "judge", value: 0.9 });
    expect(retry).toMatchObject({ created: false, score: { value: 0.5 } });
    const { entity, summary } = await judge(failing.store, experimentId, variant);
    expect(entity).toMatchObject({ events: 1, sum: 0.5 });
    expect(summary).toMatchObject({ count: 1, sum: 0.5 });
    await abkit.score({ logId, name: "judge", value: 0.5 });
    expect((await judge(failing.store, experimentId, variant)).entity?.events).toBe(1);
    await abkit.close();
  });

  it("count a batch's entity events once, in one write, also when the caller retries it", async () => {
    const failing = failingStore(memoryStore());
    const { abkit, experimentId, variant, logId } = await setUp(failing.store);
    const second = (await abkit.log(KEY, { variantKey: variant, entityId: "u1" })).logId;
    const batch = [
      { logId, name: "judge", value: 0.5 },
      { logId: second, name: "judge", value: 0.25 },
      { logId, name: "judge", value: 0.9 }, // a repeat of the first: counts nowhere
    ];
    for (let i = 0; i < 3; i++) failing.failNext("applyEvents");
    await expect(abkit.scoreBatch(batch)).rejects.toMatchObject({ code: "store_unavailable" });
    const before = failing.calls("applyEvents");
    const results = await abkit.scoreBatch(batch);
    expect(failing.calls("applyEvents") - before).toBe(1);
    expect(results.map((result) => result.created)).toEqual([false, false, false]);
    const { entity, summary } = await judge(failing.store, experimentId, variant);
    expect(entity).toMatchObject({ events: 2, sum: 0.75, entities: 1 });
    expect(summary).toMatchObject({ count: 2, sum: 0.75 });
    await abkit.close();
  });

  it("refuse an unknown log, or a log outside the experiment named, with not_found", async () => {
    const { abkit, logId } = await setUp();
    await expect(abkit.score({ logId: "log_nope", name: "judge", value: 1 })).rejects.toMatchObject(
      { code: "not_found", details: { kind: "log", key: "log_nope" } },
    );
    await abkit.experiments.create(promptExperiment({ key: "other" }));
    await expect(
      abkit.score({ logId, name: "judge", value: 1 }, { experimentKey: "other" }),
    ).rejects.toMatchObject({ code: "not_found", details: { kind: "log" } });
    await expect(
      abkit.score({ logId, name: "judge", value: 1 }, { experimentKey: KEY }),
    ).resolves.toMatchObject({ created: true });
    await abkit.close();
  });

  it("refuse bad input with validation_failed", async () => {
    const { abkit, logId } = await setUp();
    for (const bad of [
      { logId, name: "judge" },
      { logId, name: "judge", value: Number.NaN },
      { logId, name: "bad name!", value: 1 },
      { logId, name: "judge", value: 1, extra: true },
    ]) {
      await expect(abkit.score(bad as never)).rejects.toMatchObject({ code: "validation_failed" });
    }
    await abkit.close();
  });

  it("check a whole batch before writing any of it", async () => {
    const { abkit, store, experimentId, variant, logId } = await setUp();
    const good = { logId, name: "judge", value: 1 };
    await expect(
      abkit.scoreBatch([good, { logId, name: "judge", value: "high" as never }]),
    ).rejects.toMatchObject({ code: "validation_failed" });
    await expect(
      abkit.scoreBatch([good, { logId: "log_missing", name: "judge", value: 1 }]),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(abkit.scoreBatch(Array.from({ length: 501 }, () => good))).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect((await judge(store, experimentId, variant)).summary).toBeUndefined();
    const results = await abkit.scoreBatch([
      good,
      { logId, name: "thumbs", value: 0, source: "human" },
      good,
    ]);
    expect(results.map((result) => [result.key, result.created])).toEqual([
      ["judge", true],
      ["thumbs", true],
      ["judge", false],
    ]);
    await abkit.close();
  });

  it(`keep at most ${MAX_SCORES_PER_LOG} scores per log`, async () => {
    const { abkit, logId } = await setUp();
    const scores = Array.from({ length: MAX_SCORES_PER_LOG }, (_, i) => ({
      logId,
      name: "judge",
      value: i,
      idempotencyKey: `k${i}`,
    }));
    await abkit.scoreBatch(scores);
    await expect(
      abkit.score({ logId, name: "judge", value: 1, idempotencyKey: "one-more" }),
    ).rejects.toMatchObject({ code: "validation_failed" });
    // A repeat of a stored key is still answered.
    await expect(
      abkit.score({ logId, name: "judge", value: 1, idempotencyKey: "k7" }),
    ).resolves.toMatchObject({ created: false, score: { value: 7 } });
    expect((await abkit.logs(KEY)).logs[0]?.scores).toHaveLength(MAX_SCORES_PER_LOG);
    await abkit.close();
  });

  it("are accepted on logs of a stopped experiment and still count for the entity", async () => {
    const { abkit, store, experimentId, variant, logId } = await setUp();
    await abkit.experiments.stop(KEY);
    await abkit.score({ logId, name: "judge", value: 0.25 });
    expect((await judge(store, experimentId, variant)).entity).toMatchObject({ sum: 0.25 });
    await abkit.close();
  });
});
