import { type ApiKeyScope, createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

describe.each(MOUNTS)("GET /api/v1/keys/current on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  const keys: Record<string, { id: string; plaintext: string }> = {};

  const current = (headers: Record<string, string>) =>
    fetch(`${server.url}/api/v1/keys/current`, { headers });

  beforeAll(async () => {
    store = memoryStore();
    const make = async (scope: ApiKeyScope, name: string) => {
      const { record, plaintext } = await createApiKey(store, {
        organizationId: "acme",
        projectId: "default",
        name,
        scopes: [scope],
      });
      keys[name] = { id: record.id, plaintext };
    };
    await make("admin", "admin");
    await make("sdk", "sdk");
    await make("sdk", "revoked");
    await store.revokeApiKey(keys.revoked!.id, new Date().toISOString());
    server = await startServer(mount, { store });
  });
  afterAll(async () => server.close());

  it.each(["admin", "sdk"])("answers the %s key as GET /api/v1/keys shows it", async (name) => {
    const response = await current({ "X-Api-Key": keys[name]!.plaintext });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { key: Record<string, unknown> };
    const listed = (await (
      await fetch(`${server.url}/api/v1/keys`, {
        headers: { "X-Api-Key": keys.admin!.plaintext },
      })
    ).json()) as { keys: Record<string, unknown>[] };
    expect(body.key).toEqual(listed.keys.find((key) => key.id === keys[name]!.id));
    expect(body.key).toMatchObject({ id: keys[name]!.id, name, scopes: [name] });
    expect(body.key).not.toHaveProperty("hash");
    expect(JSON.stringify(body)).not.toContain(keys[name]!.plaintext);
  });

  it("takes the key as a Bearer token too", async () => {
    const response = await current({ Authorization: `Bearer ${keys.sdk!.plaintext}` });
    expect(response.status).toBe(200);
  });

  // Thunks: the revoked key exists only once beforeAll has run.
  it.each([
    ["no key", () => ({})],
    ["a malformed key", () => ({ "X-Api-Key": "nope" })],
    ["an unknown key", () => ({ "X-Api-Key": `ak_${"x".repeat(43)}` })],
    ["a revoked key", () => ({ "X-Api-Key": keys.revoked!.plaintext })],
  ])("refuses %s with 401 unauthorized", async (_name, headers: () => Record<string, string>) => {
    const response = await current(headers());
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("leaves DELETE /api/v1/keys/:id to revoke a key named by id", async () => {
    const response = await fetch(`${server.url}/api/v1/keys/current`, {
      method: "DELETE",
      headers: { "X-Api-Key": keys.admin!.plaintext },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
