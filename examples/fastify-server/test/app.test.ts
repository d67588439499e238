import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type ExampleApp } from "../src/app.js";
import { EXPERIMENT } from "../src/tutor.js";

interface Chat {
  messageId: string;
  variantKey: string | null;
  reason: string;
  prompt: string;
  answer: string;
}

describe("fastify-server example", () => {
  const dir = mkdtempSync(join(tmpdir(), "abkit-fastify-example-"));
  let example: ExampleApp;
  let base: string;

  beforeAll(async () => {
    example = await createApp({ dbPath: join(dir, "abkit.db") });
    await example.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(example.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await example?.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("creates the experiment and an admin key on a fresh file", () => {
    expect(example.experiment).toBe("created");
    expect(example.adminKey).toMatch(/^ak_/);
  });

  it("answers /chat with the variant's prompt, the same one on every call", async () => {
    const first = await post("/chat", { userId: "user_42", message: "What is 12 x 7?" });
    expect(first.status).toBe(200);
    const body = (await first.json()) as Chat;
    expect(body.variantKey).toMatch(/^(control|treatment)$/);
    expect(body.reason).toBe("assigned");
    expect(body.prompt.includes("step by step")).toBe(body.variantKey === "treatment");
    expect(body.answer).toContain("What is 12 x 7?");
    const again = (await (
      await post("/chat", { userId: "user_42", message: "6 x 7?" })
    ).json()) as Chat;
    expect(again.variantKey).toBe(body.variantKey);
    expect((await post("/chat", { message: "no user" })).status).toBe(400);
  });

  it("counts a thumbs up once per message, and 404s an unknown message", async () => {
    const chat = (await (
      await post("/chat", { userId: "user_7", message: "2+2?" })
    ).json()) as Chat;
    const first = await post(`/chat/${chat.messageId}/thumbs-up`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ accepted: 1, deduped: 0 });
    const repeat = await post(`/chat/${chat.messageId}/thumbs-up`);
    expect(await repeat.json()).toMatchObject({ accepted: 0, deduped: 1 });
    expect((await post("/chat/nope/thumbs-up")).status).toBe(404);
  });

  it("serves the HTTP API under /abkit only", async () => {
    const key = example.adminKey ?? "";
    const body = { experimentKey: EXPERIMENT, entityId: "user_42" };
    const response = await post("/abkit/api/v1/experiments/evaluate", body, { "x-api-key": key });
    expect(response.status).toBe(200);
    const mine = (await (
      await post("/chat", { userId: "user_42", message: "3 x 3?" })
    ).json()) as Chat;
    const api = (await response.json()) as { variantKey: string; config: { prompt: string } };
    expect(api).toMatchObject({ experimentKey: EXPERIMENT, variantKey: mine.variantKey });
    expect(api.config.prompt).toBe(mine.prompt);

    // Without the prefix there is no API: Fastify's own 404.
    const unprefixed = await post("/api/v1/experiments/evaluate", body, { "x-api-key": key });
    expect(unprefixed.status).toBe(404);

    // Management routes too, with the thumbs up counted once.
    const results = await fetch(`${base}/abkit/api/v1/experiments/${EXPERIMENT}/results`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(results.status).toBe(200);
    const parsed = (await results.json()) as {
      metrics: { name: string; variants: { events: number }[] }[];
    };
    const thumbs = parsed.metrics.find((metric) => metric.name === "thumbs_up");
    expect(thumbs?.variants.reduce((sum, variant) => sum + variant.events, 0)).toBe(1);
  });

  it("answers a malformed URL in the API's error shape", async () => {
    const response = await fetch(`${base}/abkit/api/v1/experiments/%E0%A4%A`, {
      headers: { "x-api-key": example.adminKey ?? "" },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("malformed_request");
    expect(typeof body.error.message).toBe("string");
  });

  it("reuses the experiment and keys when started again on the same file", async () => {
    const second = await createApp({ dbPath: join(dir, "abkit.db") });
    try {
      expect(second.experiment).toBe("existing");
      expect(second.adminKey).toBeNull();
    } finally {
      await second.app.close();
    }
  });
});
