import { createAbkit, createApiKey } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { seededRandom } from "@abkit/store-tests";
import { describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

// Every route of the API, with real ids where the path needs them.
const ROUTES: [string, string][] = [
  ["POST", "/api/v1/experiments/evaluate"],
  ["POST", "/api/v1/track"],
  ["POST", "/experiment/fuzz/log"],
  ["POST", "/experiment/fuzz/log/log_01FUZZ000000000000000000000/score"],
  ["POST", "/experiment/fuzz/scores"],
  ["POST", "/api/v1/flags"],
  ["PATCH", "/api/v1/flags/fuzz_flag"],
  ["POST", "/api/v1/flags/fuzz_flag/experiments"],
  ["POST", "/api/v1/flags/fuzz_flag/experiments/fuzz/start"],
  ["POST", "/api/v1/flags/fuzz_flag/experiments/fuzz/stop"],
  ["POST", "/api/v1/flags/evaluate"],
  ["POST", "/api/v1/flags/track"],
  ["POST", "/api/v1/experiments"],
  ["PATCH", "/api/v1/experiments/fuzz"],
  ["POST", "/api/v1/segments"],
  ["PATCH", "/api/v1/segments/fuzz-segment"],
  ["POST", "/api/v1/keys"],
];

type Body = { bytes: Uint8Array | string; contentType: string | null };

/** One malformed or hostile body: wrong types, deep nesting, huge strings, pollution keys... */
function hostileBody(next: () => number): Body {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const json = (value: unknown): Body => ({
    bytes: JSON.stringify(value),
    contentType: "application/json",
  });
  const scalar = () =>
    pick<unknown>([
      null,
      true,
      0,
      -1,
      1e308,
      "",
      "NaN",
      "Infinity",
      "-0",
      "1e999",
      [],
      {},
      "x".repeat(300),
    ]);
  const field = () =>
    pick([
      "experimentKey",
      "entityId",
      "properties",
      "events",
      "variantKey",
      "metrics",
      "key",
      "variants",
      "flag_type",
      "default_value",
      "context",
      "user_id",
      "condition",
      "scopes",
      "__proto__",
      "constructor",
      "prototype",
    ]);
  const nested = (depth: number, leaf: unknown) => {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = next() < 0.5 ? [value] : { a: value };
    return value;
  };
  switch (Math.floor(next() * 12)) {
    case 0:
      return json(scalar());
    case 1: {
      const body: Record<string, unknown> = {};
      for (let i = 0; i < 1 + next() * 5; i++) body[field()] = scalar();
      return json(body);
    }
    case 2:
      return {
        bytes: `{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "${field()}": ${JSON.stringify(scalar())}}`,
        contentType: "application/json",
      };
    case 3:
      return json({ [field()]: nested(Math.floor(next() * 200), scalar()) });
    case 4:
      return {
        bytes: `${"[".repeat(5000 + Math.floor(next() * 50_000))}`,
        contentType: "application/json",
      };
    case 5:
      return json({ [field()]: "y".repeat(Math.floor(next() * 200_000)) });
    case 6:
      return {
        bytes: new Uint8Array([
          0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d,
        ]),
        contentType: "application/json",
      };
    case 7:
      return {
        bytes: JSON.stringify({ events: [{ entityId: "u", metricName: "m" }] }),
        contentType: pick([
          null,
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/xml",
        ]),
      };
    case 8:
      return {
        bytes: pick([
          "{",
          '{"a":',
          "[1,2",
          "nul",
          "{'a':1}",
          "\u0000",
          '{"a":1}garbage',
          "1e999",
          "NaN",
        ]),
        contentType: "application/json",
      };
    case 9:
      return json({
        events: Array.from({ length: Math.floor(next() * 20) }, () => ({
          entityId: scalar(),
          metricName: scalar(),
          value: scalar(),
          idempotencyKey: scalar(),
        })),
      });
    case 10:
      return json({
        key: scalar(),
        variants: [
          { key: scalar(), weight: scalar(), config: nested(30, "z") },
          { __proto__: { weight: 100 } },
        ],
        flag_type: scalar(),
        default_value: scalar(),
        context: { __proto__: { admin: true }, user_id: scalar() },
      });
    default:
      return json({
        variantKey: scalar(),
        metrics: { latency_ms: scalar(), constructor: 1, __proto__: 2 },
        condition: { $where: "1", $regex: "(a+)+$", constructor: { $gt: 1 } },
      });
  }
}

describe.each(MOUNTS)("hostile bodies on %s", (mount) => {
  it("answers 5,000 malformed or hostile bodies on every route with 4xx (or a valid 2xx), stays up, pollutes nothing", async () => {
    const { store, key } = await fuzzProject({ running: false });
    const server = await startServer(mount, { store, bodyLimit: 64 * 1024 });
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const next = seededRandom(mount === "express" ? 1 : 2);
    const statuses = new Map<number, number>();
    try {
      const requests = Array.from({ length: 5000 }, (_, i) => ({
        route: ROUTES[i % ROUTES.length]!,
        body: hostileBody(next),
      }));
      for (let i = 0; i < requests.length; i += 25) {
        await Promise.all(
          requests.slice(i, i + 25).map(async ({ route: [method, path], body }) => {
            const headers: Record<string, string> = { "X-Api-Key": key };
            if (body.contentType) headers["Content-Type"] = body.contentType;
            const response = await fetch(`${server.url}${path}`, {
              method,
              headers,
              body: body.bytes,
            });
            const text = await response.text();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status >= 500)
              throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`);
            if (response.status >= 400)
              expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String) } });
          }),
        );
      }
      // Still up and still right.
      const alive = await fetch(`${server.url}/api/v1/experiments/fuzz`, {
        headers: { "X-Api-Key": key },
      });
      expect(alive.status).toBe(200);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      const fourXX = [...statuses]
        .filter(([status]) => status >= 400)
        .reduce((sum, [, count]) => sum + count, 0);
      expect(fourXX).toBeGreaterThan(4500);
    } finally {
      await server.close();
    }
  }, 120_000);
});

// Every route a query string or a header can reach, with real ids where the path needs them.
const READ_ROUTES: [string, string][] = [
  ["GET", "/api/v1/experiments"],
  ["GET", "/api/v1/experiments/fuzz"],
  ["GET", "/api/v1/experiments/fuzz/results"],
  ["GET", "/api/v1/experiments/fuzz/logs"],
  ["POST", "/api/v1/experiments/fuzz/rebalance"],
  ["GET", "/api/v1/segments"],
  ["GET", "/api/v1/segments/fuzz-segment"],
  ["GET", "/api/v1/flags"],
  ["GET", "/api/v1/flags/fuzz_flag"],
  ["GET", "/api/v1/flags/fuzz_flag/experiments"],
  ["GET", "/api/v1/flags/fuzz_flag/experiments/fuzz"],
  ["GET", "/api/v1/keys"],
  ["GET", "/api/v1/keys/current"],
  ["HEAD", "/api/v1/experiments/fuzz/results"],
  ["DELETE", "/api/v1/segments/no-such-segment"],
  ["POST", "/api/v1/experiments/evaluate"],
  ["POST", "/api/v1/flags/evaluate"],
];

/** A hostile query string: unknown, repeated, empty, undecodable and out-of-range parameters. */
function hostileQuery(next: () => number): string {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const name = () =>
    pick([
      "status",
      "projectId",
      "project_id",
      "alpha",
      "correction",
      "correctAcross",
      "limit",
      "cursor",
      "__proto__",
      "constructor",
      "toString",
      "status[]",
      "%E0%A4%A",
      "",
    ]);
  const value = () =>
    pick([
      "holm",
      "draft",
      "running",
      "benjamini-hochberg",
      "metrics-and-variants",
      "",
      "%",
      "%E0%A4%A",
      "%00",
      "1e999",
      "NaN",
      "-1",
      "0",
      "0.05",
      "1",
      "2.5",
      "0x10",
      "default",
      "rival-project",
      "x".repeat(2000),
      "%F0%9F%98%80",
      "a%26b%3Dc",
      "[]",
      "{}",
    ]);
  const parts: string[] = [];
  for (let i = 0; i < Math.floor(next() * 6); i++) {
    const key = name();
    parts.push(next() < 0.1 ? key : `${key}=${value()}`);
    if (next() < 0.3) parts.push(`${key}=${value()}`); // repeated
  }
  return parts.length === 0 ? "" : `?${parts.join(pick(["&", "&&", ";"]))}`;
}

/** Hostile headers around a valid key: odd credentials, projects, content types, caching. */
function hostileHeaders(next: () => number, key: string): Record<string, string> {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const headers: Record<string, string> = {};
  const credentials = pick([
    { "X-Api-Key": key },
    { "X-Api-Key": ` ${key}  ` },
    { "X-Api-Key": "" },
    { "X-Api-Key": "abk_\u00fc\u00ff" },
    { "X-Api-Key": "x".repeat(4000) },
    { Authorization: `Bearer ${key}` },
    { Authorization: `bearer    ${key}` },
    { Authorization: "Bearer" },
    { Authorization: `Basic ${key}` },
    { Authorization: `Bearer ${key} extra` },
    {},
  ]);
  Object.assign(headers, credentials);
  if (next() < 0.5) {
    headers["X-Project-Id"] = pick([
      "default",
      "",
      " ",
      "__proto__",
      "constructor",
      "rival-project",
      "no-such-project",
      "x".repeat(300),
      "d\u00e9faut",
      "a/b",
      "../default",
    ]);
  }
  if (next() < 0.3) {
    headers["Content-Type"] = pick([
      "application/json",
      "application/json; charset=latin1",
      "text/plain",
      "application/merge-patch+json",
      ";;;",
      "application/json\u00ff",
    ]);
  }
  if (next() < 0.2) headers["Accept-Encoding"] = pick(["gzip", "*", "br;q=0", "\u00ff"]);
  if (next() < 0.2) headers["If-None-Match"] = pick(["*", '"x"', "W/", ""]);
  if (next() < 0.2) headers.Accept = pick(["text/html", "*/*", "application/xml", ""]);
  return headers;
}

describe.each(MOUNTS)("hostile query strings and headers on %s", (mount) => {
  it("answers 2,000 hostile query strings and header sets with 2xx or a JSON 4xx, never 5xx", async () => {
    const { store, key } = await fuzzProject({ running: true });
    const server = await startServer(mount, { store, logger: false });
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const next = seededRandom(mount === "express" ? 3 : 4);
    const statuses = new Map<number, number>();
    try {
      for (let i = 0; i < 2000; i += 25) {
        await Promise.all(
          Array.from({ length: 25 }, (_, j) => {
            const [method, path] = READ_ROUTES[(i + j) % READ_ROUTES.length]!;
            return {
              method,
              path: `${path}${hostileQuery(next)}`,
              headers: hostileHeaders(next, key),
            };
          }).map(async ({ method, path, headers }) => {
            const body =
              method === "POST"
                ? JSON.stringify({ experimentKey: "fuzz", entityId: "u", context: {} })
                : undefined;
            if (body) headers["Content-Type"] ??= "application/json";
            const response = await fetch(`${server.url}${path}`, {
              method,
              headers,
              ...(body ? { body } : {}),
            });
            const text = await response.text();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status >= 500)
              throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`);
            if (response.status >= 400 && method !== "HEAD") {
              expect(JSON.parse(text)).toMatchObject({
                error: { code: expect.any(String), message: expect.any(String) },
              });
            }
          }),
        );
      }
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
      // Both kinds of answer were exercised.
      expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    } finally {
      await server.close();
    }
  }, 120_000);
});

/**
 * A memory store with an admin key of `acme` (returned), a flag, a segment and the `fuzz`
 * experiment serving the flag. `running` gives it a metric and starts it, and adds another
 * organization's key, so that routes read real results and cross-organization lookups.
 */
async function fuzzProject({ running }: { running: boolean }) {
  const store = memoryStore();
  const { plaintext: key } = await createApiKey(store, {
    organizationId: "acme",
    projectId: "default",
    scopes: ["admin"],
  });
  if (running) {
    await createApiKey(store, {
      organizationId: "rival",
      projectId: "rival-project",
      scopes: ["admin"],
    });
  }
  const abkit = createAbkit({ store });
  await abkit.flags.create({ key: "fuzz_flag", type: "string", defaultValue: "a" });
  await abkit.segments.create({ key: "fuzz-segment", condition: {} });
  await abkit.experiments.create({
    key: "fuzz",
    flagKey: "fuzz_flag",
    variants: [
      { key: "A", weight: 50, config: "a" },
      { key: "B", weight: 50, config: "b" },
    ],
    ...(running ? { metrics: [{ name: "m", kind: "count" as const, primary: true }] } : {}),
  });
  if (running) await abkit.experiments.start("fuzz");
  await abkit.close();
  return { store, key };
}
