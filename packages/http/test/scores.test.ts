import { type ApiKeyScope, createAbkit, createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

// Response bodies are checked field by field below.
const json = async (response: Response): Promise<any> => response.json();

describe.each(MOUNTS)("execution logs with entities, and scores, on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  const keys: Record<string, string> = {};
  const EXP = "summarizer";

  const call = (path: string, body: unknown, key: string | null = keys.sdk ?? null) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(key ? { "X-Api-Key": key } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(await json(response)).toMatchObject({ error: { code, message: expect.any(String) } });
  };
  const log = async (entityId?: string) => {
    const response = await call(`/experiment/${EXP}/log`, {
      variantKey: "cheap",
      ...(entityId ? { entityId } : {}),
      metrics: { input_tokens: 2000, output_tokens: 500 },
    });
    expect(response.status).toBe(200);
    return (await json(response)).logId as string;
  };

  beforeAll(async () => {
    store = memoryStore();
    const make = async (scope: ApiKeyScope, organizationId = "acme", projectId = "default") =>
      (await createApiKey(store, { organizationId, projectId, scopes: [scope] })).plaintext;
    keys.admin = await make("admin");
    keys.sdk = await make("sdk");
    keys.other = await make("sdk", "rival", "rival-project");
    const abkit = createAbkit({ store });
    for (const key of [EXP, "other"]) {
      await abkit.experiments.create({
        key,
        variants: [
          { key: "cheap", weight: 100, config: { model: "small" } },
          { key: "smart", weight: 0, config: { model: "large" } },
        ],
        metrics: [
          { name: "judge", kind: "mean", primary: true },
          { name: "cost", kind: "mean", unit: "execution" },
        ],
        pricing: { variants: { cheap: { input: 0.1, output: 0.4 } } },
      });
      await abkit.experiments.start(key);
    }
    await abkit.evaluate({ experimentKey: EXP, entityId: "u1" });
    await abkit.close();
    server = await startServer(mount, { store, bodyLimit: 64 * 1024 });
  });
  afterAll(async () => server.close());

  it("logs with an entityId, priced, and counts the entity's metrics once", async () => {
    const logId = await log("u1");
    const stored = await store.getLog("default", logId);
    expect(stored).toMatchObject({ entityId: "u1", metrics: { cost: 0.2 + 0.2 } });
    const reader = createAbkit({ store });
    const experiment = await reader.experiments.get(EXP);
    const { metrics } = await store.readAggregates("default", experiment?.id ?? "");
    expect(metrics.input_tokens?.cheap).toMatchObject({ events: 1, sum: 2000, entities: 1 });
    expect(metrics.cost?.cheap?.sum).toBeCloseTo(0.4, 12);
    await reader.close();
  });

  it("scores a log once per key and answers { success, logId, key, created, score }", async () => {
    const logId = await log("u1");
    const path = `/experiment/${EXP}/log/${logId}/score`;
    const first = await call(path, { name: "judge", value: 0.8, source: "llm-judge" });
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({
      success: true,
      logId,
      key: "judge",
      created: true,
      score: { name: "judge", value: 0.8, source: "llm-judge", variantKey: "cheap" },
    });
    const repeat = await json(await call(path, { name: "judge", value: 0.1 }));
    expect(repeat).toMatchObject({ success: true, created: false, score: { value: 0.8 } });
  });

  it("scores a batch, results in order", async () => {
    const [a, b] = [await log(), await log("u1")];
    const response = await call(`/experiment/${EXP}/scores`, {
      scores: [
        { logId: a, name: "judge", value: 1 },
        { logId: b, name: "thumbs_up", value: 1, source: "human", idempotencyKey: "user-vote" },
      ],
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.success).toBe(true);
    expect(body.scores.map((s: any) => [s.logId, s.key, s.created])).toEqual([
      [a, "judge", true],
      [b, "user-vote", true],
    ]);
  });

  it("answers 404 for an unknown log, a log of another experiment or project", async () => {
    const logId = await log();
    await expectError(
      await call(`/experiment/${EXP}/log/log_unknown/score`, { name: "judge", value: 1 }),
      404,
      "not_found",
    );
    await expectError(
      await call(`/experiment/other/log/${logId}/score`, { name: "judge", value: 1 }),
      404,
      "not_found",
    );
    await expectError(
      await call(`/experiment/${EXP}/log/${logId}/score`, { name: "judge", value: 1 }, keys.other),
      404,
      "not_found",
    );
    await expectError(
      await call(`/experiment/other/scores`, { scores: [{ logId, name: "judge", value: 1 }] }),
      404,
      "not_found",
    );
  });

  it("takes pricing and metric units in the admin API's create and update", async () => {
    const admin = (method: string, path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { "Content-Type": "application/json", "X-Api-Key": keys.admin ?? "" },
        body: JSON.stringify(body),
      });
    const created = await admin("POST", "/api/v1/experiments", {
      key: "priced",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
      metrics: [{ name: "cost", kind: "mean", unit: "execution", primary: true }],
      pricing: { variants: { a: { input: 1, output: 2 } } },
    });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({
      metrics: [{ name: "cost", unit: "execution" }],
      pricing: { variants: { a: { input: 1, output: 2 } }, metric: "cost" },
    });
    const cleared = await admin("PATCH", "/api/v1/experiments/priced", { pricing: null });
    expect(await json(cleared)).toMatchObject({ pricing: null, metrics: [{ unit: "execution" }] });
    await expectError(
      await admin("PATCH", "/api/v1/experiments/priced", {
        pricing: { variants: { nope: { input: 1, output: 1 } } },
      }),
      400,
      "validation_failed",
    );
    await expectError(
      await admin("PATCH", "/api/v1/experiments/priced", {
        metrics: [{ name: "cost", kind: "sum", unit: "execution", primary: true }],
      }),
      400,
      "validation_failed",
    );
  });

  it("answers 400 for bad bodies and writes nothing of a bad batch, 401 without a key", async () => {
    const logId = await log();
    const path = `/experiment/${EXP}/log/${logId}/score`;
    await expectError(await call(path, { name: "judge" }), 400, "validation_failed");
    await expectError(await call(path, { name: "judge", value: "1" }), 400, "validation_failed");
    await expectError(await call(path, "{not json"), 400, "malformed_request");
    await expectError(await call(path, [1, 2]), 400, "validation_failed");
    await expectError(
      await call(`/experiment/${EXP}/scores`, { scores: {} }),
      400,
      "validation_failed",
    );
    await expectError(
      await call(`/experiment/${EXP}/scores`, {
        scores: [
          { logId, name: "judge", value: 1 },
          { logId, name: "judge", value: 1e300 },
        ],
      }),
      400,
      "validation_failed",
    );
    expect((await store.getLog("default", logId))?.scores).toEqual([]);
    await expectError(await call(path, { name: "judge", value: 1 }, null), 401, "unauthorized");
  });
});
