import { createAbkit, createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAbkitHandler } from "../src/index.js";
import { MOUNTS, startServer } from "./servers.js";

// Query strings, HEAD, undecodable URLs and `__proto__` inside data: the API's contract
// holds for each, on both mounts.
describe.each(MOUNTS)("the contract on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  let key: string;
  const get = (path: string, method = "GET") =>
    fetch(`${server.url}${path}`, { method, headers: { "X-Api-Key": key } });

  beforeAll(async () => {
    store = memoryStore();
    key = (
      await createApiKey(store, { organizationId: "acme", projectId: "default", scopes: ["admin"] })
    ).plaintext;
    const abkit = createAbkit({ store });
    await abkit.experiments.create({
      key: "copy",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
    });
    await abkit.close();
    server = await startServer(mount, { store, logger: false });
  });
  afterAll(async () => server.close());

  it.each([
    "/api/v1/experiments?status=holm",
    "/api/v1/experiments?status=draft&status=running",
    "/api/v1/experiments?status=",
    "/api/v1/experiments?projectId=",
    "/api/v1/experiments?projectId=a&projectId=b",
    "/api/v1/experiments/copy/results?correctAcross=draft",
    "/api/v1/experiments/copy/results?correction=bonferroni",
    "/api/v1/experiments/copy/results?alpha=1",
    "/api/v1/experiments/copy/results?alpha=Infinity",
    "/api/v1/experiments/copy/results?alpha=0x10",
    "/api/v1/experiments/copy/results?alpha=0.05&alpha=0.1",
    "/api/v1/experiments/copy/logs?limit=-1",
    "/api/v1/experiments/copy/logs?limit=2.5",
    "/api/v1/experiments/copy/logs?cursor=",
    "/api/v1/flags?project_id=a&project_id=b",
  ])("answers 400 validation_failed for %s", async (path) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "validation_failed", message: expect.stringContaining("query string") },
    });
  });

  it("reads valid queries and ignores parameters it does not know", async () => {
    const list = await get("/api/v1/experiments?status=draft&_=123&__proto__=x");
    expect(list.status).toBe(200);
    expect(((await list.json()) as { experiments: unknown[] }).experiments).toHaveLength(1);
    const results = await get(
      "/api/v1/experiments/copy/results?alpha=0.1&correction=benjamini-hochberg&correctAcross=metrics-and-variants",
    );
    expect(results.status).toBe(200);
    expect(await results.json()).toMatchObject({
      alpha: 0.1,
      correction: { method: "benjamini-hochberg", across: "metrics-and-variants" },
    });
    expect((await get("/api/v1/experiments/copy/logs?limit=5")).status).toBe(200);
  });

  it("answers a URL it cannot decode with the API's error shape", async () => {
    for (const path of ["/api/v1/experiments/%E0%A4%A", "/api/v1/flags/%ZZ/experiments"]) {
      const response = await get(path);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: "malformed_request", message: expect.any(String) },
      });
    }
  });

  it("answers HEAD on GET routes like GET, without a body", async () => {
    for (const path of [
      "/api/v1/experiments",
      "/api/v1/experiments/copy",
      "/api/v1/keys/current",
    ]) {
      const head = await get(path, "HEAD");
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await head.text()).toBe("");
    }
    expect((await get("/api/v1/experiments/nope", "HEAD")).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/experiments`, { method: "HEAD" })).status).toBe(401);
  });

  it("keeps __proto__ and constructor keys in a variant config as plain data", async () => {
    const body =
      '{"key":"proto","variants":[{"key":"a","weight":50,"config":{"__proto__":{"admin":true},"constructor":{"prototype":1},"k":1}},{"key":"b","weight":50}]}';
    const created = await fetch(`${server.url}/api/v1/experiments`, {
      method: "POST",
      headers: { "X-Api-Key": key, "Content-Type": "application/json" },
      body,
    });
    expect(created.status).toBe(201);
    const expected = '{"__proto__":{"admin":true},"constructor":{"prototype":1},"k":1}';
    const configOf = (text: string) => {
      const start = text.indexOf('"config":') + '"config":'.length;
      return text.slice(start, start + expected.length);
    };
    expect(configOf(await created.text())).toBe(expected);
    expect(configOf(await (await get("/api/v1/experiments/proto")).text())).toBe(expected);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe.each(MOUNTS)("__proto__ as data through seed 002 on %s", (mount) => {
  it("keeps it in a flag's default value and in a flag experiment's variant values", async () => {
    const store = memoryStore();
    const { plaintext } = await createApiKey(store, {
      organizationId: "acme",
      projectId: "default",
      scopes: ["admin"],
    });
    const server = await startServer(mount, { store, logger: false });
    const send = (method: string, path: string, body?: string) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { "X-Api-Key": plaintext, "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body }),
      });
    const data = '{"__proto__":{"admin":true},"k":1}';
    try {
      const flag = await send(
        "POST",
        "/api/v1/flags",
        `{"key":"f","flag_type":"json","default_value":${data}}`,
      );
      expect(flag.status).toBe(201);
      expect(await flag.text()).toContain(`"default_value":${data}`);
      const experiment = await send(
        "POST",
        "/api/v1/flags/f/experiments",
        `{"name":"E","variants":[{"key":"a","value":${data},"percentage":50},{"key":"b","value":1,"percentage":50}]}`,
      );
      expect(experiment.status).toBe(201);
      expect(await experiment.text()).toContain(`"value":${data}`);
      const evaluated = await send(
        "POST",
        "/api/v1/flags/evaluate",
        `{"context":{"__proto__":{"admin":true},"user_id":"u"}}`,
      );
      expect(evaluated.status).toBe(200);
      expect(await evaluated.text()).toContain(`"value":${data}`);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe("HEAD through the Fetch handler", () => {
  it("answers like GET with a null body", async () => {
    const store = memoryStore();
    const { plaintext } = await createApiKey(store, {
      organizationId: "acme",
      projectId: "default",
      scopes: ["admin"],
    });
    const api = createAbkitHandler({ store, logger: false });
    const request = (method: string) =>
      new Request("http://abkit.test/api/v1/experiments", {
        method,
        headers: { "X-Api-Key": plaintext },
      });
    const head = await api.handle(request("HEAD"));
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await api.handle(request("GET"))).status).toBe(200);
    await api.close();
  });
});
