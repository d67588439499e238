import { createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

// Keys belong to the organization, not to a project: listing and revoking them go through the
// caller's own project engine, whatever project `X-Project-Id` names.
describe.each(MOUNTS)("key routes and X-Project-Id on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  let admin: string;

  const call = (method: string, path: string, project: string) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { "X-Api-Key": admin, "X-Project-Id": project },
    });

  beforeAll(async () => {
    store = memoryStore();
    admin = (
      await createApiKey(store, { organizationId: "acme", projectId: "default", scopes: ["admin"] })
    ).plaintext;
    await createApiKey(store, { organizationId: "rival", projectId: "rival-project" });
    server = await startServer(mount, { store });
  });

  afterAll(async () => {
    await server.close();
  });

  it("lists and revokes the organization's keys whatever project the header names", async () => {
    const { record } = await createApiKey(store, { organizationId: "acme", projectId: "default" });
    for (const project of ["rival-project", "no-such-project"]) {
      const listed = await call("GET", "/api/v1/keys", project);
      expect(listed.status).toBe(200);
      const { keys } = (await listed.json()) as { keys: { id: string }[] };
      expect(keys.map((key) => key.id)).toContain(record.id);
    }
    const revoked = await call("DELETE", `/api/v1/keys/${record.id}`, "rival-project");
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ revoked: true });
    expect((await store.listApiKeys("acme")).find((key) => key.id === record.id)).toMatchObject({
      revokedAt: expect.any(String),
    });
  });
});
