/**
 * The literal requests of the three seed documents (/work/shared/seeds), run in the order
 * the documents tell their story against `abkit serve` (the real binary, on a temporary
 * SQLite file). Headers and bodies are as the documents show them; only the host and the
 * API key are swapped for the server's and a key made with `abkit keys create`. Each curl
 * example is the same method, headers and body sent with fetch (a `-d '...'` body is the
 * literal text between the quotes, newlines and indentation included).
 */
import { join } from "node:path";
import { createAbkit, type ExperimentInput, type ExperimentResults } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { sqliteStore } from "@abkit/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKeys, runAbkit, type Server, startServer, tempDir } from "./helpers.js";

const temp = tempDir();
const dbPath = join(temp.dir, "seeds.db");
const STORE = `sqlite:${dbPath}`;

let server: Server;
/** Keys made with `abkit keys create` while the server runs, one per story. */
const keys = { chatbot: "", agent: "", krafter: "", rival: "" };

// Seed 000's experiment, as its story sets it up before the requests.
const CONTROL_CONFIG = {
  prompt: "You are a math tutor. Give the final answer in one sentence.",
  temperature: 0.2,
};
const TREATMENT_CONFIG = {
  prompt:
    "You are a math tutor. Walk through the problem step by step, then state the final answer.",
  temperature: 0.2,
};
const MATH_BOT: ExperimentInput = {
  key: "math-bot-system-prompt-v2",
  segments: ["es-fr"],
  variants: [
    { key: "control", weight: 50, config: CONTROL_CONFIG },
    { key: "treatment", weight: 50, config: TREATMENT_CONFIG },
  ],
  metrics: [
    { name: "thumbs_up", kind: "binomial", primary: true },
    { name: "output_tokens", kind: "sum" },
  ],
};
// Seed 001's experiment (the document names no slug): variants A and B.
const AGENT_SLUG = "ai-news-agent";

beforeAll(async () => {
  // Definitions go into the SQLite file first, through the embedded engine.
  const db = sqliteStore({ path: dbPath });
  const abkit = createAbkit({ store: db });
  await abkit.segments.create({ key: "es-fr", condition: { country: { $in: ["ES", "FR"] } } });
  await abkit.experiments.create(MATH_BOT);
  await abkit.experiments.start(MATH_BOT.key);
  // Seed 000's other null cases: a draft and a stopped experiment.
  const variants = MATH_BOT.variants;
  await abkit.experiments.create({ key: "math-bot-system-prompt-v3", variants });
  await abkit.experiments.create({ key: "math-bot-system-prompt-v1", variants });
  await abkit.experiments.start("math-bot-system-prompt-v1");
  await abkit.experiments.stop("math-bot-system-prompt-v1");
  await abkit.experiments.create({
    key: AGENT_SLUG,
    variants: [
      { key: "A", weight: 50, config: { model: "small" } },
      { key: "B", weight: 50, config: { model: "large" } },
    ],
  });
  await abkit.experiments.start(AGENT_SLUG);
  await abkit.close();
  await db.close();

  server = await startServer(STORE);
  expect(server.adminKey).not.toBeNull();
  // Seed 000, step 1 ("Create an API key... You only see it once"), and the other stories'
  // keys: made by another process while the server runs. Seed 002's key defaults to the
  // project its bodies name, "PROJECT_ID" (made for organization "default" on the way).
  const create = async (...args: string[]) => {
    const { code, stdout, stderr } = await runAbkit(["keys", "create", ...args, "--store", STORE]);
    expect(code, stderr).toBe(0);
    const found = findKeys(stdout);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  [keys.chatbot, keys.agent, keys.krafter, keys.rival] = await Promise.all([
    create("--name", "math chatbot"),
    create("--name", "ai news agent"),
    create("--name", "checkout", "--scope", "admin", "--project", "PROJECT_ID"),
    create("--name", "another company", "--org", "rival", "--project", "rival-web"),
  ]);
}, 60_000);

afterAll(async () => {
  if (server) expect(await server.stop("SIGTERM")).toBe(0);
  temp.cleanup();
});

/** `abkit results <key> --json`, read by another process from the same SQLite file. */
async function results(experimentKey: string, ...args: string[]): Promise<ExperimentResults> {
  const { code, stdout, stderr } = await runAbkit([
    "results",
    experimentKey,
    "--json",
    "--store",
    STORE,
    ...args,
  ]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as ExperimentResults;
}

describe("seed 000: evaluate and track (Easy Experiments)", () => {
  let assigned: "control" | "treatment";

  it("2. evaluate returns the variant and its config for a user in the segment", async () => {
    process.env.EASY_EXPERIMENTS_API_KEY = keys.chatbot;

    const defaultConfig = {
      prompt: "You are a math tutor. Give the final answer in one sentence.",
      temperature: 0.2,
    };

    const res = await fetch(`${server.url}/api/v1/experiments/evaluate`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Api-Key": process.env.EASY_EXPERIMENTS_API_KEY,
      },
      body: JSON.stringify({
        experimentKey: "math-bot-system-prompt-v2",
        entityId: "user_42",
        properties: { country: "ES" },
      }),
    });

    expect(res.status).toBe(200);
    const body = (await res.clone().json()) as EvaluateResponse;
    const { variantKey, config } = (await res.json()) as EvaluateResponse;
    const { prompt, temperature } = config ?? defaultConfig;

    // Example response: { experimentKey, variantKey, config }, and why (`reason`).
    expect(Object.keys(body).sort()).toEqual(["config", "experimentKey", "reason", "variantKey"]);
    expect(body).toMatchObject({ reason: "assigned" });
    expect(body.experimentKey).toBe("math-bot-system-prompt-v2");
    // The same variant the embedded engine gives for the same definition (deterministic).
    const embedded = createAbkit({ store: memoryStore() });
    await embedded.segments.create({
      key: "es-fr",
      condition: { country: { $in: ["ES", "FR"] } },
    });
    await embedded.experiments.create(MATH_BOT);
    await embedded.experiments.start(MATH_BOT.key);
    const expected = await embedded.evaluate({
      experimentKey: MATH_BOT.key,
      entityId: "user_42",
      properties: { country: "ES" },
    });
    await embedded.close();
    expect(variantKey).toBe(expected.variantKey);
    expect(config).toEqual(variantKey === "treatment" ? TREATMENT_CONFIG : CONTROL_CONFIG);
    expect(typeof prompt).toBe("string");
    expect(temperature).toBe(0.2);
    assigned = variantKey!;
  });

  it("keeps the user in the same variant", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await evaluate({
        experimentKey: "math-bot-system-prompt-v2",
        entityId: "user_42",
        properties: { country: "ES" },
      });
      expect(((await res.json()) as EvaluateResponse).variantKey).toBe(assigned);
    }
  });

  it.each([
    [
      "the user matches no segment",
      keysOf("chatbot"),
      "math-bot-system-prompt-v2",
      "US",
      "no_segment_match",
    ],
    [
      "the experiment is a draft",
      keysOf("chatbot"),
      "math-bot-system-prompt-v3",
      "ES",
      "not_running",
    ],
    [
      "the experiment was stopped",
      keysOf("chatbot"),
      "math-bot-system-prompt-v1",
      "ES",
      "not_running",
    ],
    [
      "the key does not exist",
      keysOf("chatbot"),
      "math-bot-system-prompt-v9",
      "ES",
      "unknown_experiment",
    ],
    // Another company's experiment is indistinguishable from none at all.
    [
      "the key is another company's",
      keysOf("rival"),
      "math-bot-system-prompt-v2",
      "ES",
      "unknown_experiment",
    ],
  ])(
    "evaluate returns variantKey and config null when %s",
    async (_, key, experimentKey, country, reason) => {
      // A user of their own: user_42 keeps the variant they were first given, whatever changes.
      const res = await evaluate(
        { experimentKey, entityId: "user_77", properties: { country } },
        key(),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ experimentKey, variantKey: null, config: null, reason });
    },
  );

  it("3. track accepts the thumbs up; the same idempotencyKey again is deduped", async () => {
    const send = () =>
      fetch(`${server.url}/api/v1/track`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Api-Key": process.env.EASY_EXPERIMENTS_API_KEY!,
        },
        body: JSON.stringify({
          events: [
            {
              entityId: "user_42",
              metricName: "thumbs_up",
              idempotencyKey: "thumbs_up:message_123",
            },
          ],
        }),
      });

    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 1, deduped: 0 });
    // "If Easy Experiments sees the same idempotencyKey again, it does not count the event twice."
    const repeat = await send();
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ accepted: 0, deduped: 1 });
  });

  it("numeric values: output_tokens with value 412", async () => {
    const res = await fetch(`${server.url}/api/v1/track`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Api-Key": process.env.EASY_EXPERIMENTS_API_KEY!,
      },
      body: JSON.stringify({
        events: [
          {
            entityId: "user_42",
            metricName: "output_tokens",
            value: 412,
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, deduped: 0 });
  });

  it("the results count user_42 once, in the variant evaluate returned", async () => {
    const read = await results("math-bot-system-prompt-v2");
    expect(read.variants.find((variant) => variant.key === assigned)?.users).toBe(1);
    const metric = (name: string) =>
      read.metrics
        .find((candidate) => candidate.name === name)
        ?.variants.find((variant) => variant.variantKey === assigned);
    expect(metric("thumbs_up")).toMatchObject({ users: 1, usersWithEvents: 1, events: 1 });
    expect(metric("output_tokens")).toMatchObject({ users: 1, sum: 412, events: 1 });
  });
});

describe("seed 001: execution log", () => {
  const body = {
    variantKey: "A",
    input: {
      query: "What are the latest AI advancements?",
    },
    output: {
      response:
        "Recent AI advancements include improvements in large language models and generative AI.",
    },
    metrics: {
      latency_ms: 123,
      token_count: 78,
      user_rating: 5,
    },
    context: {
      session_id: "session_abc_123",
      environment: "production",
    },
  };
  const log = (
    slug: string,
    options: { key?: string | null; body?: string } = {},
  ): Promise<Response> => {
    const key = options.key === undefined ? keys.agent : options.key;
    return fetch(`${server.url}/experiment/${slug}/log`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        ...(key === null ? {} : { "x-api-key": key }),
      },
      body: options.body ?? JSON.stringify(body),
    });
  };

  it("200 OK: { success: true, logId }", async () => {
    const res = await log(AGENT_SLUG);
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json).toEqual({ success: true, logId: expect.stringMatching(/^log_[0-9A-Z]{26}$/) });
  });

  it("the log's metrics reach the results", async () => {
    const read = await results(AGENT_SLUG);
    const latency = read.logMetrics.find((metric) => metric.name === "latency_ms");
    expect(latency?.variants.find((variant) => variant.variantKey === "A")).toMatchObject({
      count: 1,
      mean: 123,
    });
  });

  it("400 Bad Request: a malformed body", async () => {
    const res = await log(AGENT_SLUG, { body: '{"variantKey": "A", "input": ' });
    await expectError(res, 400);
  });

  it("400 Bad Request: variantKey missing", async () => {
    const { variantKey: _, ...rest } = body;
    await expectError(await log(AGENT_SLUG, { body: JSON.stringify(rest) }), 400);
  });

  it("400 Bad Request: a variantKey the experiment does not define", async () => {
    await expectError(
      await log(AGENT_SLUG, { body: JSON.stringify({ ...body, variantKey: "C" }) }),
      400,
    );
  });

  it("401 Unauthorized: the x-api-key missing or invalid", async () => {
    await expectError(await log(AGENT_SLUG, { key: null }), 401);
    await expectError(await log(AGENT_SLUG, { key: "ak_not-a-real-key-at-all-0123456789" }), 401);
  });

  it("404 Not Found: no experiment with the slug", async () => {
    await expectError(await log("no-such-experiment"), 404);
    // Another company's key does not see the experiment either.
    await expectError(await log(AGENT_SLUG, { key: keys.rival }), 404);
  });

  it("401 Unauthorized: a key revoked with `abkit keys revoke` in another process", async () => {
    const listed = await runAbkit(["keys", "list", "--store", STORE]);
    const id = listed.stdout
      .split("\n")
      .find((line) => line.includes("ai news agent"))
      ?.split(/\s+/)[0];
    expect(id).toMatch(/^key_/);
    const revoked = await runAbkit(["keys", "revoke", id!, "--store", STORE]);
    expect(revoked.code).toBe(0);
    await expectError(await log(AGENT_SLUG), 401);
  });
});

describe("seed 002: flags with experiments (Krafter)", () => {
  let flagId: string;
  let experimentId: string;
  const variants = [
    { key: "control", value: "old_checkout", percentage: 50 },
    { key: "treatment", value: "new_checkout", percentage: 50 },
  ];

  // Step 3's evaluate request, as the document shows it.
  const evaluateFlags = () =>
    fetch(`${server.url}/api/v1/flags/evaluate`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${keys.krafter}`,
        "Content-Type": "application/json",
      },
      body: `{
    "project_id": "PROJECT_ID",
    "environment": "production",
    "context": {
      "user_id": "usr_123"
    }
  }`,
    });
  // Step 4's track request.
  const track = () =>
    fetch(`${server.url}/api/v1/flags/track`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${keys.krafter}`,
        "Content-Type": "application/json",
      },
      body: `{
    "flag_id": "${flagId}",
    "experiment_id": "${experimentId}",
    "user_id": "usr_123"
  }`,
    });
  // Step 5's read.
  const read = () =>
    fetch(`${server.url}/api/v1/flags/${flagId}/experiments/${experimentId}`, {
      headers: { Authorization: `Bearer ${keys.krafter}` },
    });

  it("step 1: create a string flag", async () => {
    const res = await fetch(`${server.url}/api/v1/flags`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${keys.krafter}`,
        "Content-Type": "application/json",
      },
      body: `{
    "project_id": "PROJECT_ID",
    "key": "checkout_flow",
    "name": "Checkout Flow",
    "flag_type": "string",
    "default_value": "control",
    "description": "Checkout flow A/B test"
  }`,
    });
    expect(res.ok).toBe(true);
    const { data, ...rest } = (await res.json()) as Envelope;
    expect(rest).toEqual({});
    expect(data).toMatchObject({
      id: expect.any(String),
      project_id: "PROJECT_ID",
      key: "checkout_flow",
      name: "Checkout Flow",
      flag_type: "string",
      default_value: "control",
      enabled: false,
      description: "Checkout flow A/B test",
      created_at: expect.stringMatching(ISO_TIME),
    });
    flagId = data.id;
  });

  it("step 2: attach an experiment; it starts as a draft", async () => {
    const res = await fetch(`${server.url}/api/v1/flags/${flagId}/experiments`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${keys.krafter}`,
        "Content-Type": "application/json",
      },
      body: `{
    "name": "Checkout Flow Test",
    "environment": "production",
    "variants": [
      {"key": "control", "value": "old_checkout", "percentage": 50},
      {"key": "treatment", "value": "new_checkout", "percentage": 50}
    ]
  }`,
    });
    expect(res.ok).toBe(true);
    const { data, ...rest } = (await res.json()) as Envelope;
    expect(rest).toEqual({});
    expect(data).toMatchObject({
      id: expect.any(String),
      flag_id: flagId,
      name: "Checkout Flow Test",
      environment: "production",
      status: "draft",
      variants,
      conversions: 0,
      created_at: expect.stringMatching(ISO_TIME),
    });
    experimentId = data.id;
  });

  it("a draft: evaluation still returns the default_value, and track is rejected", async () => {
    const res = await evaluateFlags();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      flags: { checkout_flow: { value: "control", rule_id: null } },
    });
    await expectError(await track(), 409);
  });

  it("step 3: start the experiment", async () => {
    const res = await fetch(
      `${server.url}/api/v1/flags/${flagId}/experiments/${experimentId}/start`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${keys.krafter}` },
      },
    );
    expect(res.ok).toBe(true);
    const json = (await res.json()) as Envelope;
    expect(json).toMatchObject({ data: { id: experimentId, status: "running" } });
    expect(Object.keys(json)).toEqual(["data"]);
  });

  let served: string;
  it("step 3: evaluate returns the allocated variant's value, the same every time", async () => {
    const res = await evaluateFlags();
    expect(res.status).toBe(200);
    const json = (await res.json()) as FlagsResponse;
    expect(Object.keys(json)).toEqual(["flags"]);
    expect(Object.keys(json.flags)).toEqual(["checkout_flow"]);
    expect(json.flags.checkout_flow).toMatchObject({ rule_id: null });
    served = String(json.flags.checkout_flow?.value);
    expect(["old_checkout", "new_checkout"]).toContain(served);
    for (let attempt = 0; attempt < 3; attempt++) {
      const again = (await (await evaluateFlags()).json()) as FlagsResponse;
      expect(again.flags.checkout_flow?.value).toBe(served);
    }
  });

  it("step 4: track a conversion; a duplicate for the same user is ignored", async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await track();
      expect(res.ok).toBe(true);
      expect(await res.json()).toEqual({ data: { ok: true } });
    }
  });

  it("step 5: read the results", async () => {
    const res = await read();
    expect(res.status).toBe(200);
    const { data, ...rest } = (await res.json()) as Envelope;
    expect(rest).toEqual({});
    expect(data).toMatchObject({
      id: experimentId,
      name: "Checkout Flow Test",
      environment: "production",
      status: "running",
      variants,
      conversions: 1,
      created_at: expect.stringMatching(ISO_TIME),
    });
  });

  it("step 6: stop the experiment; the flag reverts to its default_value", async () => {
    const res = await fetch(
      `${server.url}/api/v1/flags/${flagId}/experiments/${experimentId}/stop`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${keys.krafter}` },
      },
    );
    expect(res.ok).toBe(true);
    expect(await res.json()).toMatchObject({ data: { id: experimentId, status: "stopped" } });

    expect(await (await evaluateFlags()).json()).toEqual({
      flags: { checkout_flow: { value: "control", rule_id: null } },
    });
    // Lifecycle table: a stopped experiment rejects tracking; its results stay readable.
    await expectError(await track(), 409);
    expect(((await (await read()).json()) as Envelope).data).toMatchObject({
      status: "stopped",
      conversions: 1,
    });
  });

  it("the CLI sees the flag's experiment in project PROJECT_ID", async () => {
    const { stdout } = await runAbkit([
      "experiments",
      "list",
      "--project",
      "PROJECT_ID",
      "--store",
      STORE,
    ]);
    expect(stdout).toMatch(/\n\S+ +stopped {2}control 50%, treatment 50% {2}\d{4}-/);
  });
});

// --- Internal helpers ---

/** Seed 000's evaluate response. */
interface EvaluateResponse {
  experimentKey: string;
  variantKey: "control" | "treatment" | null;
  config: { prompt: string; temperature: number } | null;
}

/** Seed 002's `{ data }` envelope; each field is checked where it is read. */
interface Envelope {
  data: { id: string } & Record<string, unknown>;
}

/** Seed 002's flag evaluation. */
interface FlagsResponse {
  flags: Record<string, { value: unknown; rule_id: string | null }>;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function keysOf(name: keyof typeof keys): () => string {
  return () => keys[name];
}

function evaluate(body: unknown, key = keys.chatbot): Promise<Response> {
  return fetch(`${server.url}/api/v1/experiments/evaluate`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Api-Key": key },
    body: JSON.stringify(body),
  });
}

/** An error response: its status, and abkit's JSON error envelope. */
async function expectError(res: Response, status: number): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await res.json()).toMatchObject({
    error: { code: expect.any(String), message: expect.any(String) },
  });
}
