import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { newEngine, promptExperiment } from "./fixtures.js";

const key = "math-bot-system-prompt-v2";

async function runningExperiment() {
  const store = memoryStore();
  const abkit = newEngine(store);
  await abkit.experiments.create(promptExperiment());
  const { id } = await abkit.experiments.start(key);
  return { store, abkit, id };
}

describe("track", () => {
  it("counts an event in the running experiment the entity is assigned to, right after evaluate", async () => {
    const { store, abkit, id } = await runningExperiment();
    const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId: "user_42" });
    // The assignment is still queued: track writes it first.
    expect(await abkit.track([{ entityId: "user_42", metricName: "thumbs_up" }])).toEqual({
      accepted: 1,
      deduped: 0,
    });
    const { metrics } = await store.readAggregates("default", id);
    expect(metrics.thumbs_up).toEqual({
      [variantKey!]: { events: 1, sum: 1, sumSquares: 1, entities: 1 },
    });
  });

  it("dedups repeated idempotency keys, also sent concurrently, without changing any number", async () => {
    const { store, abkit, id } = await runningExperiment();
    await abkit.evaluate({ experimentKey: key, entityId: "user_42" });
    const event = {
      entityId: "user_42",
      metricName: "thumbs_up",
      idempotencyKey: "thumbs_up:message_123",
    };
    expect(await abkit.track([event, event])).toEqual({ accepted: 1, deduped: 1 });
    const before = await store.readAggregates("default", id);
    const results = await Promise.all(Array.from({ length: 20 }, () => abkit.track([event])));
    expect(results.reduce((sum, r) => sum + r.deduped, 0)).toBe(20);
    expect(await store.readAggregates("default", id)).toEqual(before);
  });

  it("keeps events of unassigned entities but counts them nowhere", async () => {
    const { store, abkit, id } = await runningExperiment();
    expect(await abkit.track([{ entityId: "stranger", metricName: "thumbs_up" }])).toEqual({
      accepted: 1,
      deduped: 0,
    });
    expect((await store.readAggregates("default", id)).metrics).toEqual({});
  });

  it("counts nothing in draft or stopped experiments", async () => {
    const { store, abkit, id } = await runningExperiment();
    await abkit.evaluate({ experimentKey: key, entityId: "u1" });
    await abkit.track([{ entityId: "u1", metricName: "m", value: 2 }]);
    await abkit.experiments.stop(key);
    await abkit.track([{ entityId: "u1", metricName: "m", value: 5 }]);
    const aggregates = Object.values((await store.readAggregates("default", id)).metrics.m ?? {});
    expect(aggregates).toEqual([{ events: 1, sum: 2, sumSquares: 4, entities: 1 }]);
  });

  it("uses values for numeric metrics and keeps per-user sums of squares exact", async () => {
    const { store, abkit, id } = await runningExperiment();
    const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId: "u1" });
    await abkit.track([
      { entityId: "u1", metricName: "output_tokens", value: 412 },
      { entityId: "u1", metricName: "output_tokens", value: 88 },
    ]);
    expect(
      (await store.readAggregates("default", id)).metrics.output_tokens?.[variantKey!],
    ).toEqual({
      events: 2,
      sum: 500,
      sumSquares: 250_000,
      entities: 1,
    });
  });

  it.each([
    ["a non-finite value", [{ entityId: "u", metricName: "m", value: Number.NaN }], "1.value"],
    ["a missing entity", [{ metricName: "m" }], "1.entityId"],
    [
      "more than 1000 events",
      Array.from({ length: 1001 }, () => ({ entityId: "u", metricName: "m" })),
      "at most 1000",
    ],
  ])("rejects %s with validation_failed and writes nothing", async (_name, events, message) => {
    const { store, abkit, id } = await runningExperiment();
    await abkit.evaluate({ experimentKey: key, entityId: "u" });
    await expect(
      abkit.track([
        { entityId: "u", metricName: "m", idempotencyKey: "k" },
        ...(events as never[]),
      ]),
    ).rejects.toThrow(message);
    expect(await abkit.track([{ entityId: "u", metricName: "m", idempotencyKey: "k" }])).toEqual({
      accepted: 1,
      deduped: 0,
    });
    expect((await store.readAggregates("default", id)).metrics.m).toBeDefined();
  });
});

describe("trackConversion", () => {
  async function checkout() {
    const store = memoryStore();
    const abkit = newEngine(store);
    const flag = await abkit.flags.create({
      key: "checkout_flow",
      type: "string",
      defaultValue: "control",
    });
    const experiment = await abkit.experiments.create({
      key: "checkout-test",
      flagKey: "checkout_flow",
      variants: [
        { key: "control", weight: 50, config: "old_checkout" },
        { key: "treatment", weight: 50, config: "new_checkout" },
      ],
    });
    return { store, abkit, flag, experiment };
  }

  it("counts once per (experiment, user), by experiment id, key, flag id or flag key", async () => {
    const { store, abkit, flag, experiment } = await checkout();
    await abkit.experiments.start("checkout-test");
    await abkit.evaluateFlags({ context: { user_id: "usr_123" } });
    const first = await abkit.trackConversion({
      flagId: flag.id,
      experimentId: experiment.id,
      userId: "usr_123",
    });
    expect(first).toEqual({ accepted: 1, deduped: 0 });
    for (const reference of [
      { experimentKey: "checkout-test" },
      { flagKey: "checkout_flow" },
      { flagId: flag.id },
    ]) {
      expect(await abkit.trackConversion({ ...reference, userId: "usr_123" })).toEqual({
        accepted: 0,
        deduped: 1,
      });
    }
    const conversions =
      (await store.readAggregates("default", experiment.id)).metrics.conversion ?? {};
    expect(Object.values(conversions).reduce((sum, a) => sum + a.entities, 0)).toBe(1);
  });

  it("rejects conversions for a draft or stopped experiment with experiment_not_running", async () => {
    const { abkit, experiment } = await checkout();
    await expect(
      abkit.trackConversion({ experimentId: experiment.id, userId: "u" }),
    ).rejects.toMatchObject({
      code: "experiment_not_running",
    });
    await abkit.experiments.start("checkout-test");
    await abkit.experiments.stop("checkout-test");
    await expect(
      abkit.trackConversion({ flagKey: "checkout_flow", userId: "u" }),
    ).rejects.toMatchObject({
      code: "experiment_not_running",
    });
  });

  it("names what is missing", async () => {
    const { abkit } = await checkout();
    await expect(abkit.trackConversion({ userId: "u" })).rejects.toThrow("name the experiment");
    await expect(
      abkit.trackConversion({ experimentId: "exp_nope", userId: "u" }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(abkit.trackConversion({ flagKey: "nope", userId: "u" })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("log", () => {
  it("stores executions with a log_ id and lists them newest first, paged", async () => {
    const { abkit } = await runningExperiment();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { logId } = await abkit.log(key, {
        variantKey: "treatment",
        input: { query: `question ${i}` },
        output: { response: "4" },
        metrics: { latency_ms: 100 + i, token_count: 78 },
        context: { session_id: "session_abc_123" },
      });
      expect(logId).toMatch(/^log_[0-9A-HJKMNP-TV-Z]{26}$/);
      ids.push(logId);
    }
    const first = await abkit.logs(key, { limit: 3 });
    expect(first.logs.map((log) => log.id)).toEqual(ids.slice(2).reverse());
    expect(first.logs[0]).toMatchObject({
      variantKey: "treatment",
      input: { query: "question 4" },
    });
    const second = await abkit.logs(key, { limit: 3, cursor: first.nextCursor! });
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.logs.map((log) => log.id)).toEqual(ids.slice(0, 2).reverse());
  });

  it("rejects an unknown experiment, an unknown variant and non-finite metrics", async () => {
    const { abkit } = await runningExperiment();
    await expect(abkit.log("nope", { variantKey: "A" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(abkit.log(key, { variantKey: "A" })).rejects.toThrow(
      'variantKey: "A" is not a variant of "math-bot-system-prompt-v2" (variants: control, treatment)',
    );
    await expect(
      abkit.log(key, { variantKey: "control", metrics: { latency_ms: Number.POSITIVE_INFINITY } }),
    ).rejects.toThrow("metrics.latency_ms");
    await expect(abkit.log(key, {} as never)).rejects.toThrow("variantKey");
    expect((await abkit.logs(key)).logs).toEqual([]);
  });
});

describe("results", () => {
  it("counts exposures still queued in this engine, and refuses unknown experiments and bad alphas", async () => {
    const { abkit } = await runningExperiment();
    await abkit.evaluate({ experimentKey: key, entityId: "u1" });
    const results = await abkit.results(key, { alpha: 0.1 });
    expect(results.variants.reduce((sum, variant) => sum + variant.users, 0)).toBe(1);
    expect(results.alpha).toBe(0.1);
    await expect(abkit.results("nope")).rejects.toMatchObject({ code: "not_found" });
    await expect(abkit.results(key, { alpha: 1.5 })).rejects.toThrow("alpha");
  });

  it("shows each metric's tracked events per UTC day of their time, per variant", async () => {
    const { abkit } = await runningExperiment();
    const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId: "u1" });
    await abkit.track([
      { entityId: "u1", metricName: "thumbs_up", timestamp: "2026-03-01T23:00:00-03:00" },
      { entityId: "u1", metricName: "thumbs_up", timestamp: "2026-03-02T10:00:00Z" },
      { entityId: "u1", metricName: "thumbs_up", timestamp: "2026-03-04T10:00:00Z" },
    ]);
    const metric = (await abkit.results(key)).metrics.find((m) => m.name === "thumbs_up")!;
    const other = variantKey === "control" ? "treatment" : "control";
    expect(
      metric.eventsOverTime.map((day) => [day.date, day.events[variantKey!], day.events[other]]),
    ).toEqual([
      ["2026-03-02", 2, 0],
      ["2026-03-03", 0, 0],
      ["2026-03-04", 1, 0],
    ]);
    expect(metric.eventsOverTime.at(-1)!.cumulative[variantKey!]).toBe(3);
  });
});
