import { createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

// A metric's direction is written, kept and changed like its other fields, and read back
// in results.
describe.each(MOUNTS)("metric direction over HTTP on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  let key = "";

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { "X-Api-Key": key, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const directions = (body: Record<string, unknown>) =>
    (body.metrics as { name: string; direction?: string }[]).map((metric) => metric.direction);

  beforeAll(async () => {
    store = memoryStore();
    key = (await createApiKey(store, { organizationId: "acme", projectId: "p", scopes: ["admin"] }))
      .plaintext;
    server = await startServer(mount, { store });
  });
  afterAll(async () => server.close());

  it("keeps the direction through other updates, changes it when metrics are sent", async () => {
    const created = await call("POST", "/api/v1/experiments", {
      key: "concise",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
      metrics: [
        { name: "thumbs_up", kind: "binomial", primary: true },
        { name: "output_tokens", kind: "mean", direction: "lower" },
      ],
    });
    expect(created.status).toBe(201);
    expect(directions(created.body)).toEqual([undefined, "lower"]);

    const kept = await call("PATCH", "/api/v1/experiments/concise", { coverage: 0.5 });
    expect(kept.status).toBe(200);
    expect(directions(kept.body)).toEqual([undefined, "lower"]);

    const changed = await call("PATCH", "/api/v1/experiments/concise", {
      metrics: [
        { name: "thumbs_up", kind: "binomial", primary: true, direction: "higher" },
        { name: "output_tokens", kind: "mean" },
      ],
    });
    expect(changed.status).toBe(200);
    expect(directions(changed.body)).toEqual(["higher", undefined]);

    await call("PATCH", "/api/v1/experiments/concise", {
      metrics: [{ name: "output_tokens", kind: "mean", direction: "lower" }],
    });
    await call("POST", "/api/v1/experiments/concise/start");
    const results = await call("GET", "/api/v1/experiments/concise/results");
    expect(results.status).toBe(200);
    expect(results.body.metrics).toEqual([
      expect.objectContaining({ name: "output_tokens", direction: "lower" }),
    ]);
  });

  it("refuses an unknown direction and one that contradicts a guardrail", async () => {
    for (const metric of [
      { name: "output_tokens", kind: "mean", direction: "down" },
      { name: "latency", kind: "mean", direction: "higher", guardrail: { harm: "increase" } },
    ]) {
      const refused = await call("PATCH", "/api/v1/experiments/concise", { metrics: [metric] });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: "validation_failed" } });
    }
    const stored = await call("GET", "/api/v1/experiments/concise");
    expect(directions(stored.body)).toEqual(["lower"]);
  });
});
