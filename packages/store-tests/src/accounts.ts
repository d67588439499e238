import { describe, expect, it } from "vitest";
import { apiKeyRecord, projectRecord } from "./fixtures.js";
import { expectCode, useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

/**
 * Projects and API keys: create/get/list by organization (oldest first), `conflict` on a
 * taken id or hash, lookup by hash (revoked keys included), idempotent revocation.
 *
 * @example
 * describe("my store", () => accountsContract({ create: async () => myStore() }));
 */
export function accountsContract(harness: StoreHarness): void {
  describe("accounts", () => {
    const ctx = useStore(harness);

    it("creates a project and reads it back deep-equal; null for an unknown id", async () => {
      const project = projectRecord("checkout", "acme");
      await ctx.store.createProject(project);
      expect(await ctx.store.getProject("checkout")).toEqual(project);
      expect(await ctx.store.getProject("unknown")).toBeNull();
    });

    it("rejects a taken project id with conflict and keeps the first", async () => {
      const project = projectRecord("checkout", "acme");
      await ctx.store.createProject(project);
      await expectCode(
        ctx.store.createProject(projectRecord("checkout", "globex", { name: "second" })),
        "conflict",
      );
      expect(await ctx.store.getProject("checkout")).toEqual(project);
      expect(await ctx.store.listProjects("globex")).toEqual([]);
    });

    it("lists an organization's projects oldest first, and only those", async () => {
      const projects = [
        projectRecord("p1", "acme", { createdAt: "2026-01-01T00:00:01.000Z" }),
        projectRecord("p2", "globex", { createdAt: "2026-01-01T00:00:02.000Z" }),
        projectRecord("p3", "acme", { createdAt: "2026-01-01T00:00:03.000Z" }),
        projectRecord("p4", "acme:sub", { createdAt: "2026-01-01T00:00:04.000Z" }),
        projectRecord("p5", "acme", { createdAt: "2026-01-01T00:00:05.000Z" }),
      ];
      for (const project of projects) await ctx.store.createProject(project);
      const [p1, p2, p3, p4, p5] = projects;
      expect(await ctx.store.listProjects("acme")).toEqual([p1, p3, p5]);
      expect(await ctx.store.listProjects("globex")).toEqual([p2]);
      expect(await ctx.store.listProjects("acme:sub")).toEqual([p4]);
      expect(await ctx.store.listProjects("nobody")).toEqual([]);
    });

    it("creates an API key and finds it by hash; null for an unknown hash", async () => {
      const key = apiKeyRecord("acme", "default");
      await ctx.store.createApiKey(key);
      expect(await ctx.store.findApiKeyByHash(key.hash)).toEqual(key);
      expect(await ctx.store.findApiKeyByHash("0".repeat(64))).toBeNull();
    });

    it("rejects a key whose id or hash exists with conflict", async () => {
      const key = apiKeyRecord("acme", "default");
      await ctx.store.createApiKey(key);
      await expectCode(ctx.store.createApiKey({ ...key, hash: "1".repeat(64) }), "conflict");
      await expectCode(
        ctx.store.createApiKey(apiKeyRecord("globex", "other", { hash: key.hash })),
        "conflict",
      );
      expect(await ctx.store.listApiKeys("acme")).toEqual([key]);
      expect(await ctx.store.listApiKeys("globex")).toEqual([]);
      expect(await ctx.store.findApiKeyByHash("1".repeat(64))).toBeNull();
    });

    it("lists an organization's keys oldest first, and only those", async () => {
      const keys = [
        apiKeyRecord("acme", "p1", { createdAt: "2026-01-01T00:00:01.000Z" }),
        apiKeyRecord("globex", "p2", { createdAt: "2026-01-01T00:00:02.000Z" }),
        apiKeyRecord("acme", "p3", { createdAt: "2026-01-01T00:00:03.000Z", scopes: ["sdk"] }),
        apiKeyRecord("acme", "p1", { createdAt: "2026-01-01T00:00:04.000Z" }),
      ];
      for (const key of keys) await ctx.store.createApiKey(key);
      const [k1, k2, k3, k4] = keys;
      expect(await ctx.store.listApiKeys("acme")).toEqual([k1, k3, k4]);
      expect(await ctx.store.listApiKeys("globex")).toEqual([k2]);
      expect(await ctx.store.listApiKeys("nobody")).toEqual([]);
    });

    it("revokes a key idempotently, keeping the first revokedAt; false for an unknown key", async () => {
      const key = apiKeyRecord("acme", "default");
      const other = apiKeyRecord("acme", "default");
      await ctx.store.createApiKey(key);
      await ctx.store.createApiKey(other);
      const first = "2026-02-01T00:00:00.000Z";
      expect(await ctx.store.revokeApiKey(key.id, first)).toBe(true);
      expect(await ctx.store.revokeApiKey(key.id, "2026-03-01T00:00:00.000Z")).toBe(true);
      const revoked = { ...key, revokedAt: first };
      expect(await ctx.store.findApiKeyByHash(key.hash)).toEqual(revoked);
      expect(await ctx.store.findApiKeyByHash(other.hash)).toEqual(other);
      expect(await ctx.store.listApiKeys("acme")).toEqual([revoked, other]);
      expect(await ctx.store.revokeApiKey("key_unknown", first)).toBe(false);
      expect(await ctx.store.findApiKeyByHash(other.hash)).toEqual(other);
    });

    it("never shares objects with callers, in either direction", async () => {
      const project = projectRecord("checkout", "acme");
      const key = apiKeyRecord("acme", "checkout");
      const expected = structuredClone({ project, key });
      await ctx.store.createProject(project);
      await ctx.store.createApiKey(key);
      project.name = "mutated";
      key.scopes.pop();
      (await ctx.store.getProject("checkout"))!.name = "mutated";
      (await ctx.store.listProjects("acme"))[0]!.organizationId = "mutated";
      (await ctx.store.findApiKeyByHash(key.hash))!.scopes.push("admin");
      (await ctx.store.listApiKeys("acme"))[0]!.revokedAt = "mutated";
      expect(await ctx.store.getProject("checkout")).toEqual(expected.project);
      expect(await ctx.store.listProjects("acme")).toEqual([expected.project]);
      expect(await ctx.store.findApiKeyByHash(key.hash)).toEqual(expected.key);
      expect(await ctx.store.listApiKeys("acme")).toEqual([expected.key]);
    });
  });
}
