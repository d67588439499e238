import { createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

// The autopilot policy is written and refused like other fields; ship and autopilot checks
// are routes of their own.
describe.each(MOUNTS)("autopilot and ship over HTTP on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  let key = "";

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { "X-Api-Key": key, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const create = (experimentKey: string, extra: Record<string, unknown> = {}) =>
    call("POST", "/api/v1/experiments", {
      key: experimentKey,
      variants: [
        { key: "A", weight: 50, config: { copy: "Buy" } },
        { key: "B", weight: 50, config: { copy: "Buy now" } },
      ],
      metrics: [{ name: "converted", kind: "binomial", primary: true }],
      ...extra,
    });

  beforeAll(async () => {
    store = memoryStore();
    key = (await createApiKey(store, { organizationId: "acme", projectId: "p", scopes: ["admin"] }))
      .plaintext;
    server = await startServer(mount, { store });
  });
  afterAll(async () => server.close());

  it("accepts a policy, fills in its defaults, and refuses a bad one with a 400", async () => {
    const created = await create("cta", { autopilot: { promote: { minUsers: 1000 } } });
    expect(created.status).toBe(201);
    expect(created.body.autopilot).toEqual({
      promote: { chance: 0.95, read: "always-valid", minUsers: 1000 },
      rollbackOnGuardrailHarm: true,
      intervalMs: 3_600_000,
    });
    const unknownMetric = await call("PATCH", "/api/v1/experiments/cta", {
      autopilot: { promote: { metric: "revenue" } },
    });
    expect(unknownMetric.status).toBe(400);
    expect(unknownMetric.body.error.code).toBe("validation_failed");
    expect(unknownMetric.body.error.message).toContain('"revenue" is not a metric');
    const badChance = await call("PATCH", "/api/v1/experiments/cta", {
      autopilot: { promote: { chance: 2 } },
    });
    expect(badChance.status).toBe(400);
  });

  it("runs one check by hand and says why it decided nothing", async () => {
    await create("checked", { autopilot: {} });
    await call("POST", "/api/v1/experiments/checked/start");
    const outcome = await call("POST", "/api/v1/experiments/checked/autopilot");
    expect(outcome.status).toBe(200);
    expect(outcome.body.decision).toBeNull();
    expect(outcome.body.reason).toMatch(/No treatment beats the control/);
  });

  it("ships a variant, then serves it to everyone and lists it as shipped", async () => {
    await create("ship-me");
    await call("POST", "/api/v1/experiments/ship-me/start");
    const missing = await call("POST", "/api/v1/experiments/ship-me/ship", {});
    expect(missing.status).toBe(400);
    const unknown = await call("POST", "/api/v1/experiments/ship-me/ship", { variantKey: "Z" });
    expect(unknown.status).toBe(400);
    const shipped = await call("POST", "/api/v1/experiments/ship-me/ship", { variantKey: "B" });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({
      status: "shipped",
      shipped: { variantKey: "B", by: "user" },
      decisions: [{ action: "ship", by: "user", variantKey: "B" }],
    });
    const again = await call("POST", "/api/v1/experiments/ship-me/ship", { variantKey: "A" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("invalid_transition");
    const listed = await call("GET", "/api/v1/experiments?status=shipped");
    expect(listed.body.experiments.map((e: { key: string }) => e.key)).toEqual(["ship-me"]);
    const results = await call("GET", "/api/v1/experiments/ship-me/results");
    expect(results.body.decision).toMatchObject({ action: "ship", variantKey: "B" });
  });
});
