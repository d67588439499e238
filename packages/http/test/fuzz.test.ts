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
    const store = memoryStore();
    const key = (
      await createApiKey(store, { organizationId: "acme", projectId: "default", scopes: ["admin"] })
    ).plaintext;
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
    });
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
