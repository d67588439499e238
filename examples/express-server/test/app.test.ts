import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type ExampleApp } from "../src/app.js";
import { EXPERIMENT } from "../src/tutor.js";

describe("express-server example", () => {
  const dir = mkdtempSync(join(tmpdir(), "abkit-express-example-"));
  let example: ExampleApp;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    example = await createApp({ dbPath: join(dir, "abkit.db") });
    server = await new Promise<Server>((resolve) => {
      const listening = example.app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await example?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  interface Chat {
    messageId: string;
    variantKey: string | null;
    reason: string;
    prompt: string;
    answer: string;
  }

  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
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
    expect(body.prompt).toContain("math tutor");
    expect(body.prompt.includes("step by step")).toBe(body.variantKey === "treatment");
    expect(body.answer).toContain("What is 12 x 7?");
    const again = (await (
      await post("/chat", { userId: "user_42", message: "And 6 x 7?" })
    ).json()) as Chat;
    expect(again.variantKey).toBe(body.variantKey);
    expect(again.messageId).not.toBe(body.messageId);

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

    const results = await example.abkit.results(EXPERIMENT);
    const thumbs = results.metrics.find((metric) => metric.name === "thumbs_up");
    const events = thumbs?.variants.reduce((sum, variant) => sum + variant.events, 0);
    expect(events).toBe(1);
  });

  it("serves the HTTP API on the same store, with the printed key", async () => {
    const key = example.adminKey ?? "";
    const body = { experimentKey: EXPERIMENT, entityId: "user_42" };
    const response = await post("/api/v1/experiments/evaluate", body, { "x-api-key": key });
    expect(response.status).toBe(200);
    const mine = (await (
      await post("/chat", { userId: "user_42", message: "3 x 3?" })
    ).json()) as Chat;
    const api = (await response.json()) as Record<string, unknown>;
    expect(api).toMatchObject({ experimentKey: EXPERIMENT, variantKey: mine.variantKey });
    expect((api.config as { prompt: string }).prompt).toBe(mine.prompt);

    const unauthorized = await post("/api/v1/experiments/evaluate", body);
    expect(unauthorized.status).toBe(401);
    expect(((await unauthorized.json()) as { error: { code: string } }).error.code).toBe(
      "unauthorized",
    );
  });

  it("reuses the experiment and keys when started again on the same file", async () => {
    const second = await createApp({ dbPath: join(dir, "abkit.db") });
    try {
      expect(second.experiment).toBe("existing");
      expect(second.adminKey).toBeNull();
    } finally {
      await second.close();
    }
  });
});
