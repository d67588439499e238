import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { AbkitError, createApiKey, isAbkitError, type Store } from "@abkit/core";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runCli } from "../src/main.js";
import { displayStoreUrl, openStore } from "../src/openStore.js";
import { captureContext, tempDir } from "./helpers.js";

const REDIS_URL = process.env.ABKIT_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

const opened: Store[] = [];
const temp = tempDir();
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
afterAll(() => temp.cleanup());

async function open(url: string, options?: Parameters<typeof openStore>[1]): Promise<Store> {
  const store = await openStore(url, options);
  opened.push(store);
  return store;
}

/** Creates a key and reads it back: proof that the store works, not just that it opened. */
async function roundTrip(store: Store): Promise<void> {
  const { record } = await createApiKey(store, {
    organizationId: "acme",
    projectId: "web",
    scopes: ["admin"],
  });
  expect((await store.listApiKeys("acme")).map((key) => key.id)).toEqual([record.id]);
}

describe("openStore", () => {
  it("opens memory:", async () => {
    const store = await open("memory:");
    expect(store.name).toBe("memory");
    await roundTrip(store);
  });

  it("opens sqlite:<path>, durable across reopening", async () => {
    const url = `sqlite:${join(temp.dir, "open.db")}`;
    const store = await open(url);
    expect(store.name).toBe("sqlite");
    expect(store.capabilities).toEqual({ crossProcess: true, durable: true });
    await roundTrip(store);
    await store.close();
    opened.pop();
    const again = await open(url);
    expect(await again.listApiKeys("acme")).toHaveLength(1);
  });

  it("rejects an unknown scheme with validation_failed and the accepted forms", async () => {
    const error = await openStore("ftp://db/abkit").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbkitError);
    expect((error as AbkitError).code).toBe("validation_failed");
    expect((error as AbkitError).message).toContain(
      "expected memory:, sqlite:<path>, redis://host:port/db, redis-cluster://host:port,host:port/",
    );
    await expect(openStore("abkit.db")).rejects.toMatchObject({ code: "validation_failed" });
    await expect(openStore("sqlite:")).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("opens postgres:// through @abkit/postgres, durable across reopening", async () => {
    const server = process.env.ABKIT_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    // A schema of its own, named in the URL as a user of the CLI would, dropped at the end.
    const schema = `abkit_cli_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const url = `${server}${server.includes("?") ? "&" : "?"}schema=${schema}`;
    const probe = await open(url);
    expect(probe.name).toBe("postgres");
    expect(probe.capabilities).toEqual({ crossProcess: true, durable: true });
    const reachable = await probe.definitionsVersion("p").then(
      () => true,
      (error: unknown) => {
        // No server here: the store says so, and CI (which requires one) fails below.
        expect(isAbkitError(error) && error.code).toBe("store_unavailable");
        return false;
      },
    );
    if (!reachable) {
      expect(process.env.ABKIT_REQUIRE_POSTGRES, "PostgreSQL is required here").not.toBe("1");
      return;
    }
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      await roundTrip(probe);
      await probe.close();
      opened.pop();
      const again = await open(url);
      expect(await again.listApiKeys("acme")).toHaveLength(1);
      const tables = await admin.query(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'api_keys'",
        [schema],
      );
      expect(tables.rowCount).toBe(1);
    } finally {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it("opens mongodb:// through @abkit/mongodb, or says clearly that it cannot", async () => {
    const url = process.env.MONGODB_URL ?? "mongodb://127.0.0.1:1/abkit-cli-test";
    let store: Store;
    try {
      store = await open(url);
    } catch (error) {
      // The optional package is missing or unfinished: the error names it.
      expect(isAbkitError(error) && error.code).toBe("store_unavailable");
      expect((error as Error).message).toContain("@abkit/mongodb");
      return;
    }
    expect(store.name).toBe("mongodb");
    if (process.env.MONGODB_URL) await roundTrip(store);
  });
});

describe("openStore redis://", async () => {
  const prefix = `abkit-cli-test:${randomUUID()}:`;
  const reachable = await pingRedis(REDIS_URL);

  afterAll(async () => {
    if (!reachable) return;
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    await client.connect();
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  it.skipIf(!reachable)(`opens ${REDIS_URL} with a prefix of its own`, async () => {
    const store = await open(REDIS_URL, { redisPrefix: prefix });
    expect(store.name).toBe("redis");
    await roundTrip(store);
  });

  // Database 99 of a 16-database server: the command fails, never runs on database 0.
  it.skipIf(!reachable)("fails a command on a database the server does not have", async () => {
    const url = new URL(REDIS_URL);
    url.pathname = "/99";
    const ctx = captureContext();
    expect(await runCli(["keys", "list", "--store", url.href], ctx)).toBe(1);
    expect(ctx.stdout).toEqual([]);
    expect(ctx.stderr.join("\n")).toMatch(
      /^error \[store_unavailable\]: redis store: cannot use database 99 \(ERR DB index is out of range\)/,
    );
  });

  it("refuses a database index that is not a whole number", async () => {
    const ctx = captureContext();
    expect(await runCli(["keys", "list", "--store", "redis://127.0.0.1:6379/one"], ctx)).toBe(1);
    expect(ctx.stderr.join("\n")).toContain(
      'error [validation_failed]: Invalid store URL: "redis://127.0.0.1:6379/one" is not a store URL: the database must be a whole number from 0 (got "one")',
    );
  });
});

describe("displayStoreUrl", () => {
  it("masks passwords and leaves the rest", () => {
    expect(displayStoreUrl("redis://:secret@cache:6379/0")).toBe("redis://:***@cache:6379/0");
    expect(displayStoreUrl("mongodb://app:p4ss@db.example/abkit")).toBe(
      "mongodb://app:***@db.example/abkit",
    );
    expect(displayStoreUrl("redis://cache:6379/0")).toBe("redis://cache:6379/0");
    expect(displayStoreUrl("sqlite:./abkit.db")).toBe("sqlite:./abkit.db");
  });
});

// --- Internal helpers ---

async function pingRedis(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
