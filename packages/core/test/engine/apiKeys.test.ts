import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { authenticateApiKey, createApiKey, hashApiKey, requireScope } from "../../src/index.js";

describe("API keys", () => {
  it("shows the plaintext once and stores only its hash and a prefix", async () => {
    const store = memoryStore();
    const { record, plaintext } = await createApiKey(store, {
      organizationId: "acme",
      projectId: "default",
      name: "server",
      scopes: ["admin"],
    });
    expect(plaintext).toMatch(/^ak_[A-Za-z0-9_-]{43}$/);
    expect(record.prefix).toBe(plaintext.slice(0, 12));
    expect(JSON.stringify(await store.listApiKeys("acme"))).not.toContain(plaintext);
    expect(record.hash).toBe(hashApiKey(plaintext));
    expect(await store.getProject("default")).toMatchObject({ organizationId: "acme" });
    expect(await authenticateApiKey(store, plaintext)).toEqual(record);
  });

  it("refuses unknown, malformed and revoked keys with unauthorized", async () => {
    const store = memoryStore();
    const { record, plaintext } = await createApiKey(store, {
      organizationId: "acme",
      projectId: "p",
    });
    await expect(authenticateApiKey(store, `${plaintext}x`)).rejects.toMatchObject({
      code: "unauthorized",
    });
    await expect(authenticateApiKey(store, "")).rejects.toMatchObject({ code: "unauthorized" });
    await store.revokeApiKey(record.id, new Date().toISOString());
    await expect(authenticateApiKey(store, plaintext)).rejects.toMatchObject({
      code: "unauthorized",
      message: "the API key was revoked",
    });
  });

  it("never creates a key on another organization's project (not_found, not forbidden)", async () => {
    const store = memoryStore();
    await createApiKey(store, { organizationId: "acme", projectId: "shop" });
    await expect(
      createApiKey(store, { organizationId: "evil", projectId: "shop" }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("lets admin keys do everything and sdk keys only sdk work", async () => {
    const store = memoryStore();
    const sdk = (
      await createApiKey(store, { organizationId: "acme", projectId: "p", scopes: ["sdk"] })
    ).record;
    const admin = (
      await createApiKey(store, { organizationId: "acme", projectId: "p", scopes: ["admin"] })
    ).record;
    expect(() => requireScope(sdk, "sdk")).not.toThrow();
    expect(() => requireScope(admin, "sdk")).not.toThrow();
    expect(() => requireScope(sdk, "admin")).toThrow(
      expect.objectContaining({ code: "forbidden" }),
    );
  });
});
