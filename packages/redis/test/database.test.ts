import { createApiKey, type Store } from "@abkit/core";
import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, afterEach, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { describeWithRedis, REDIS_URL } from "./redisServer.js";

// The database index of the URL, on the real server: one it does not have must fail every
// call (ioredis alone reports the failed SELECT as an event and goes on in database 0).
const base = new URL(REDIS_URL);
const urlOf = (database: string) => `${base.protocol}//${base.host}/${database}`;
const prefix = `abkit-test:${ulid()}:`;

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describeWithRedis("redis store database index", () => {
  let databases = 16;
  const admin = new Redis(urlOf("0"));
  afterAll(async () => {
    for (let db = 0; db < databases; db++) {
      await admin.select(db);
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
    admin.disconnect();
  });

  const open = (url: string) => {
    const store = redisStore({ url, prefix, timeoutMs: 2000 });
    opened.push(store);
    return store;
  };

  it("refuses a database the server does not have, on every call", async () => {
    const [, count] = (await admin.config("GET", "databases")) as [string, string];
    databases = Number(count);
    for (const missing of [databases, 99]) {
      if (missing < databases) continue;
      const store = open(urlOf(String(missing)));
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await store.listApiKeys("default").catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: "store_unavailable" });
        expect((error as Error).message).toContain(`cannot use database ${missing}`);
        expect((error as Error).message).toContain("fix the /<db> of the URL");
      }
      await expect(
        createApiKey(store, { organizationId: "default", projectId: "default", scopes: ["sdk"] }),
      ).rejects.toMatchObject({ code: "store_unavailable" });
    }
    // Nothing was written to database 0 instead.
    await admin.select(0);
    expect(await admin.keys(`${prefix}*`)).toEqual([]);
  });

  it("refuses a client made with a database the server does not have", async () => {
    const client = new Redis({
      host: base.hostname,
      port: Number(base.port || 6379),
      db: 99,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    client.on("error", () => {});
    const store = redisStore({ client, prefix });
    try {
      await expect(store.listApiKeys("default")).rejects.toMatchObject({
        code: "store_unavailable",
        message: expect.stringContaining("cannot use database 99"),
      });
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  it("uses the database it names: keys land there, not in database 0", async () => {
    const last = databases - 1;
    const store = open(urlOf(String(last)));
    await createApiKey(store, { organizationId: "acme", projectId: "web", scopes: ["admin"] });
    expect(await store.listApiKeys("acme")).toHaveLength(1);
    await admin.select(last);
    expect((await admin.keys(`${prefix}*`)).length).toBeGreaterThan(0);
    await admin.select(0);
    expect(await admin.keys(`${prefix}*`)).toEqual([]);
  });

  it.each(["abc", "1.5", "-1", "0x1"])("refuses the URL's database %j when created", (db) => {
    expect(() => redisStore({ url: urlOf(db) })).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
    expect(() => redisStore({ url: urlOf(db) })).toThrow(`(got "${db}")`);
  });
});
