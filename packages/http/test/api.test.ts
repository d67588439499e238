import { type ApiKeyScope, createAbkit, createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

// Response bodies are checked field by field below.
const json = async (response: Response): Promise<any> => response.json();

describe.each(MOUNTS)("HTTP API on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  const keys: Record<string, string> = {};

  const call = (
    method: string,
    path: string,
    options: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const key = options.key === undefined ? keys.admin : options.key;
    const headers: Record<string, string> = {
      ...(key ? { "X-Api-Key": key } : {}),
      ...options.headers,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["Content-Type"] ??= "application/json";
    }
    return fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  };
  const expectError = async (response: Response, status: number, code: string): Promise<any> => {
    expect(response.status).toBe(status);
    const body: any = await response.json();
    expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
    return body;
  };

  beforeAll(async () => {
    store = memoryStore();
    const make = async (scope: ApiKeyScope, organizationId = "acme", projectId = "default") =>
      (await createApiKey(store, { organizationId, projectId, scopes: [scope] })).plaintext;
    keys.admin = await make("admin");
    keys.sdk = await make("sdk");
    keys.other = await make("admin", "rival", "rival-project");
    const abkit = createAbkit({ store });
    await abkit.segments.create({ key: "es-fr", condition: { country: { $in: ["ES", "FR"] } } });
    await abkit.experiments.create({
      key: "math-bot-system-prompt-v2",
      segments: ["es-fr"],
      variants: [
        { key: "control", weight: 50, config: { prompt: "one sentence", temperature: 0.2 } },
        { key: "treatment", weight: 50, config: { prompt: "step by step", temperature: 0.2 } },
      ],
      metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
    });
    await abkit.experiments.start("math-bot-system-prompt-v2");
    server = await startServer(mount, { store, bodyLimit: 64 * 1024 });
  });
  afterAll(async () => server.close());

  describe("seed 000: evaluate and track", () => {
    it("returns the variant and config of an entity in the segment", async () => {
      const response = await call("POST", "/api/v1/experiments/evaluate", {
        key: keys.sdk,
        body: {
          experimentKey: "math-bot-system-prompt-v2",
          entityId: "user_42",
          properties: { country: "ES" },
        },
      });
      expect(response.status).toBe(200);
      const body: any = await response.json();
      expect(Object.keys(body).sort()).toEqual(["config", "experimentKey", "reason", "variantKey"]);
      expect(["control", "treatment"]).toContain(body.variantKey);
      expect(body.reason).toBe("assigned");
      expect(body.config).toMatchObject({ temperature: 0.2 });
    });

    it("peeks without enrolling when asked (peek: true)", async () => {
      const body = {
        experimentKey: "math-bot-system-prompt-v2",
        entityId: `peek-${mount}`,
        properties: { country: "ES" },
      };
      const peeked = await json(
        await call("POST", "/api/v1/experiments/evaluate", {
          key: keys.sdk,
          body: { ...body, peek: true },
        }),
      );
      expect(["control", "treatment"]).toContain(peeked.variantKey);
      const id = (await json(await call("GET", "/api/v1/experiments/math-bot-system-prompt-v2")))
        .id;
      expect(await store.getAssignment("default", id, `peek-${mount}`)).toBeNull();
      const evaluated = await json(
        await call("POST", "/api/v1/experiments/evaluate", { key: keys.sdk, body }),
      );
      expect(evaluated.variantKey).toBe(peeked.variantKey);
    });

    it.each([
      ["outside the segment", { entityId: "user_99", properties: { country: "DE" } }],
      ["an unknown key", { experimentKey: "nope", entityId: "user_42" }],
    ])("returns nulls for %s", async (_name, change) => {
      const response = await call("POST", "/api/v1/experiments/evaluate", {
        key: keys.sdk,
        body: { experimentKey: "math-bot-system-prompt-v2", ...change },
      });
      expect((await response.json()) as any).toMatchObject({ variantKey: null, config: null });
    });

    it("accepts track with dedup, with the key as a Bearer token too", async () => {
      await call("POST", "/api/v1/experiments/evaluate", {
        key: keys.sdk,
        body: {
          experimentKey: "math-bot-system-prompt-v2",
          entityId: "user_7",
          properties: { country: "FR" },
        },
      });
      const event = {
        entityId: "user_7",
        metricName: "thumbs_up",
        idempotencyKey: `thumbs_up:${mount}:1`,
      };
      const first = await call("POST", "/api/v1/track", {
        key: null,
        headers: { Authorization: `Bearer ${keys.sdk}` },
        body: { events: [event, event] },
      });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ accepted: 1, deduped: 1 });
    });

    it("refuses a missing or invalid key with 401", async () => {
      await expectError(
        await call("POST", "/api/v1/track", { key: null, body: { events: [] } }),
        401,
        "unauthorized",
      );
      await expectError(
        await call("POST", "/api/v1/track", { key: "ak_wrong_key_value", body: { events: [] } }),
        401,
        "unauthorized",
      );
    });

    it("refuses more events than the batch limit with 400 naming it", async () => {
      const events = Array.from({ length: 1001 }, () => ({ entityId: "u", metricName: "m" }));
      const body = await expectError(
        await call("POST", "/api/v1/track", { body: { events } }),
        400,
        "validation_failed",
      );
      expect(body.error.message).toContain("at most 1000");
    });
  });

  describe("seed 001: execution logs", () => {
    const path = "/experiment/math-bot-system-prompt-v2/log";

    it("logs an execution and answers { success, logId }", async () => {
      const response = await call("POST", path, {
        key: keys.sdk,
        body: {
          variantKey: "treatment",
          input: { query: "2+2?" },
          output: { response: "4" },
          metrics: { latency_ms: 123 },
        },
      });
      expect(response.status).toBe(200);
      expect((await response.json()) as any).toEqual({
        success: true,
        logId: expect.stringMatching(/^log_[0-9A-Z]{26}$/),
      });
    });

    it("answers 400 for a missing or unknown variantKey or malformed JSON, 401 without a key, 404 for an unknown slug", async () => {
      await expectError(
        await call("POST", path, { body: { input: {} } }),
        400,
        "validation_failed",
      );
      await expectError(
        await call("POST", path, { body: { variantKey: "Z" } }),
        400,
        "validation_failed",
      );
      await expectError(
        await call("POST", path, { body: '{"variantKey": ' }),
        400,
        "malformed_request",
      );
      await expectError(
        await call("POST", path, { key: null, body: { variantKey: "treatment" } }),
        401,
        "unauthorized",
      );
      await expectError(
        await call("POST", "/experiment/nope/log", { body: { variantKey: "A" } }),
        404,
        "not_found",
      );
    });
  });

  describe("seed 002: flags with experiments", () => {
    it("runs the whole story: flag, experiment, start, evaluate, track, read, stop", async () => {
      const created = await call("POST", "/api/v1/flags", {
        key: null,
        headers: { Authorization: `Bearer ${keys.admin}` },
        body: {
          project_id: "default",
          key: `checkout_flow_${mount}`,
          name: "Checkout Flow",
          flag_type: "string",
          default_value: "control",
          description: "Checkout flow A/B test",
        },
      });
      expect(created.status).toBe(201);
      const flag = (await json(created)).data;
      expect(flag).toMatchObject({
        project_id: "default",
        flag_type: "string",
        default_value: "control",
        enabled: false,
      });
      expect(flag.created_at).toEqual(expect.any(String));

      const experimentResponse = await call("POST", `/api/v1/flags/${flag.id}/experiments`, {
        body: {
          name: "Checkout Flow Test",
          environment: "production",
          variants: [
            { key: "control", value: "old_checkout", percentage: 50 },
            { key: "treatment", value: "new_checkout", percentage: 50 },
          ],
        },
      });
      expect(experimentResponse.status).toBe(201);
      const experiment = (await json(experimentResponse)).data;
      expect(experiment).toMatchObject({ flag_id: flag.id, status: "draft", conversions: 0 });
      expect(experiment.variants).toEqual([
        { key: "control", value: "old_checkout", percentage: 50 },
        { key: "treatment", value: "new_checkout", percentage: 50 },
      ]);

      const base = `/api/v1/flags/${flag.id}/experiments/${experiment.id}`;
      expect(await json(await call("POST", `${base}/start`))).toEqual({
        data: { id: experiment.id, status: "running" },
      });

      const evaluation = await call("POST", "/api/v1/flags/evaluate", {
        key: keys.sdk,
        body: { project_id: "default", environment: "production", context: { user_id: "usr_123" } },
      });
      const { flags } = await json(evaluation);
      expect(flags[`checkout_flow_${mount}`]).toEqual({
        value: expect.stringMatching(/^(old|new)_checkout$/),
        rule_id: null,
      });

      const track = { flag_id: flag.id, experiment_id: experiment.id, user_id: "usr_123" };
      for (let i = 0; i < 2; i++) {
        expect(
          await json(await call("POST", "/api/v1/flags/track", { key: keys.sdk, body: track })),
        ).toEqual({ data: { ok: true } });
      }
      const read = await json(await call("GET", base));
      expect(read.data).toMatchObject({
        id: experiment.id,
        status: "running",
        conversions: 1,
        environment: "production",
      });

      expect(await json(await call("POST", `${base}/stop`))).toEqual({
        data: { id: experiment.id, status: "stopped" },
      });
      await expectError(
        await call("POST", "/api/v1/flags/track", { key: keys.sdk, body: track }),
        409,
        "experiment_not_running",
      );
      await expectError(await call("POST", `${base}/start`), 409, "invalid_transition");
    });
  });

  describe("flag management", () => {
    it("lists, reads by id or key, patches rules, and lists a flag's experiments", async () => {
      const key = `dark_mode_${mount}`;
      const created = (
        await json(
          await call("POST", "/api/v1/flags", {
            body: { key, flag_type: "boolean", default_value: false },
          }),
        )
      ).data;
      const byKey = (await json(await call("GET", `/api/v1/flags/${key}`))).data;
      expect(byKey).toEqual((await json(await call("GET", `/api/v1/flags/${created.id}`))).data);
      const patched = await json(
        await call("PATCH", `/api/v1/flags/${created.id}`, {
          body: {
            enabled: true,
            rules: [{ id: "staff", condition: { staff: true }, value: true }],
          },
        }),
      );
      expect(patched.data).toMatchObject({ enabled: true, rules: [{ id: "staff", value: true }] });
      const evaluation = await json(
        await call("POST", "/api/v1/flags/evaluate", {
          key: keys.sdk,
          body: { context: { user_id: "u", staff: true } },
        }),
      );
      expect(evaluation.flags[key]).toEqual({ value: true, rule_id: "staff" });
      const listed = await json(await call("GET", "/api/v1/flags"));
      expect(listed.data.map((flag: { key: string }) => flag.key)).toContain(key);
      expect(await json(await call("GET", `/api/v1/flags/${key}/experiments`))).toEqual({
        data: [],
      });
      await expectError(
        await call("PATCH", `/api/v1/flags/${key}`, { body: { default_value: "yes" } }),
        400,
        "validation_failed",
      );
      await expectError(await call("GET", "/api/v1/flags/nope"), 404, "not_found");
    });
  });

  describe("logs", () => {
    it("pages an experiment's logs newest first", async () => {
      for (let i = 0; i < 3; i++) {
        await call("POST", "/experiment/math-bot-system-prompt-v2/log", {
          key: keys.sdk,
          body: { variantKey: "control", input: { i } },
        });
      }
      const first = await json(
        await call("GET", "/api/v1/experiments/math-bot-system-prompt-v2/logs?limit=2"),
      );
      expect(first.logs).toHaveLength(2);
      expect(first.logs[0].input).toEqual({ i: 2 });
      const second = await json(
        await call(
          "GET",
          `/api/v1/experiments/math-bot-system-prompt-v2/logs?limit=2&cursor=${first.nextCursor}`,
        ),
      );
      expect(second.logs[0].input).toEqual({ i: 0 });
    });
  });

  describe("management", () => {
    it("rebalances a running bandit and reports its arms in the results", async () => {
      const key = `bandit-${mount}`;
      await call("POST", "/api/v1/experiments", {
        body: {
          key,
          variants: [
            { key: "a", weight: 50 },
            { key: "b", weight: 50 },
          ],
          metrics: [{ name: "won", kind: "binomial", primary: true }],
          bandit: { floor: 10 },
        },
      });
      await call("POST", `/api/v1/experiments/${key}/start`);
      const made = await json(await call("POST", `/api/v1/experiments/${key}/rebalance`));
      expect(Object.keys(made.weights).sort()).toEqual(["a", "b"]);
      expect(made.weights.a + made.weights.b).toBeCloseTo(100, 9);
      const results = await json(await call("GET", `/api/v1/experiments/${key}/results`));
      expect(results.srm).toBeNull();
      expect(results.bandit.history).toHaveLength(1);
      expect(results.bandit.arms.map((arm: { variantKey: string }) => arm.variantKey)).toEqual([
        "a",
        "b",
      ]);
    });

    it("creates, reads, updates, starts and stops experiments, and reads results", async () => {
      const key = `mgmt-${mount}`;
      const created = await call("POST", "/api/v1/experiments", {
        body: {
          key,
          variants: [
            { key: "a", weight: 50 },
            { key: "b", weight: 50 },
          ],
        },
      });
      expect(created.status).toBe(201);
      expect((await json(await call("GET", `/api/v1/experiments/${key}`))).status).toBe("draft");
      expect(
        (await json(await call("PATCH", `/api/v1/experiments/${key}`, { body: { coverage: 0.5 } })))
          .coverage,
      ).toBe(0.5);
      expect((await json(await call("POST", `/api/v1/experiments/${key}/start`))).status).toBe(
        "running",
      );
      const list = await json(await call("GET", "/api/v1/experiments?status=running"));
      expect(list.experiments.map((e: { key: string }) => e.key)).toContain(key);
      const results = await json(await call("GET", `/api/v1/experiments/${key}/results`));
      expect(results).toMatchObject({ experimentKey: key, srm: { mismatch: false } });
      expect(results.correction).toEqual({ method: "holm", across: "metrics" });
      const perMetric = await json(
        await call("GET", `/api/v1/experiments/${key}/results?correctAcross=variants`),
      );
      expect(perMetric.correction).toEqual({ method: "holm", across: "variants" });
      const corrected = await json(
        await call(
          "GET",
          `/api/v1/experiments/${key}/results?correction=benjamini-hochberg&correctAcross=metrics-and-variants`,
        ),
      );
      expect(corrected.correction).toEqual({
        method: "benjamini-hochberg",
        across: "metrics-and-variants",
      });
      await expectError(
        await call("GET", `/api/v1/experiments/${key}/results?correction=bonferroni`),
        400,
        "validation_failed",
      );
      // Only a bandit rebalances.
      await expectError(
        await call("POST", `/api/v1/experiments/${key}/rebalance`),
        400,
        "validation_failed",
      );
      expect((await json(await call("POST", `/api/v1/experiments/${key}/stop`))).status).toBe(
        "stopped",
      );
      await expectError(await call("GET", "/api/v1/experiments/none"), 404, "not_found");
      await expectError(
        await call("POST", "/api/v1/experiments", { body: { key: "bad" } }),
        400,
        "validation_failed",
      );
      await expectError(
        await call("POST", "/api/v1/experiments", {
          body: {
            key,
            variants: [
              { key: "a", weight: 50 },
              { key: "b", weight: 50 },
            ],
          },
        }),
        409,
        "conflict",
      );
    });

    it("manages segments", async () => {
      const key = `seg-${mount}`;
      expect(
        (await call("POST", "/api/v1/segments", { body: { key, condition: { plan: "pro" } } }))
          .status,
      ).toBe(201);
      expect(
        (
          await json(
            await call("PATCH", `/api/v1/segments/${key}`, {
              body: { condition: { plan: "team" } },
            }),
          )
        ).condition,
      ).toEqual({ plan: "team" });
      expect(
        (await json(await call("GET", "/api/v1/segments"))).segments.map(
          (s: { key: string }) => s.key,
        ),
      ).toContain(key);
      expect(await json(await call("DELETE", `/api/v1/segments/${key}`))).toEqual({
        deleted: true,
      });
      await expectError(await call("GET", `/api/v1/segments/${key}`), 404, "not_found");
    });

    it("creates keys with the plaintext once, lists prefixes, and revocation takes effect", async () => {
      const created = await call("POST", "/api/v1/keys", {
        body: { name: "worker", scopes: ["sdk"] },
      });
      expect(created.status).toBe(201);
      const { key, plaintext } = await json(created);
      expect(key).not.toHaveProperty("hash");
      const listed = await json(await call("GET", "/api/v1/keys"));
      expect(JSON.stringify(listed)).not.toContain(plaintext);
      expect(listed.keys.find((k: { id: string }) => k.id === key.id)).toMatchObject({
        prefix: plaintext.slice(0, 12),
      });
      const track = () => call("POST", "/api/v1/track", { key: plaintext, body: { events: [] } });
      expect((await track()).status).toBe(200);
      expect(await json(await call("DELETE", `/api/v1/keys/${key.id}`))).toEqual({
        revoked: true,
      });
      await expectError(await track(), 401, "unauthorized");
      // Another organization's key is not found, never forbidden.
      await expectError(
        await call("DELETE", `/api/v1/keys/${key.id}`, { key: keys.other }),
        404,
        "not_found",
      );
    });
  });

  describe("errors", () => {
    it("answers 403 for an sdk key on an admin route", async () => {
      await expectError(
        await call("GET", "/api/v1/experiments", { key: keys.sdk }),
        403,
        "forbidden",
      );
    });

    it("hides another organization's project (404)", async () => {
      await expectError(
        await call("POST", "/api/v1/flags/evaluate", {
          key: keys.other,
          body: { project_id: "default", context: {} },
        }),
        404,
        "not_found",
      );
      await expectError(
        await call("GET", "/api/v1/experiments/math-bot-system-prompt-v2", { key: keys.other }),
        404,
        "not_found",
      );
    });

    it("answers 413 for a body over the limit, 415 for another content type, 400 for malformed JSON", async () => {
      await expectError(
        await call("POST", "/api/v1/track", {
          body: JSON.stringify({ events: [], pad: "x".repeat(70_000) }),
        }),
        413,
        "payload_too_large",
      );
      await expectError(
        await call("POST", "/api/v1/track", {
          body: "events=1",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
        415,
        "unsupported_media_type",
      );
      await expectError(
        await call("POST", "/api/v1/track", { body: "{nope" }),
        400,
        "malformed_request",
      );
    });

    it("answers 404 for an unknown route and a wrong method", async () => {
      await expectError(await call("GET", "/api/v1/nothing"), 404, "not_found");
      await expectError(await call("DELETE", "/api/v1/track"), 404, "not_found");
    });
  });
});
