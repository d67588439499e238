import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventRecord, newId } from "@abkit/core";
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { describeWithRedis } from "./redisServer.js";

// A Redis server of this test's own, with an append-only file fsynced on every write, so a
// restart finds everything it acknowledged (the machine's shared Redis keeps nothing).
let server: ChildProcess | null = null;
let dir = "";
afterEach(() => {
  server?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describeWithRedis("redis store when the server goes away", () => {
  it("fails calls loudly while down, resumes after, and loses or doubles no acknowledged event", async () => {
    dir = mkdtempSync(join(tmpdir(), "abkit-redis-"));
    const port = await freePort();
    server = await startServer(port, dir);
    const store = redisStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 500 });
    const assignedAt = new Date().toISOString();
    await store.recordAssignments(
      Array.from({ length: 20 }, (_, i) => ({
        projectId: "default",
        experimentId: "exp_1",
        entityId: `u${i}`,
        variantKey: i % 2 === 0 ? "control" : "treatment",
        assignedAt,
      })),
    );

    const batch = (b: number): EventRecord[] =>
      Array.from({ length: 20 }, (_, j) => ({
        id: newId("evt"),
        entityId: `u${j}`,
        metricName: "tokens",
        value: b + j,
        idempotencyKey: `b${b}:${j}`,
        timestamp: assignedAt,
        experimentIds: ["exp_1"],
      }));

    const failures: unknown[] = [];
    const BATCHES = 30;
    for (let b = 0; b < BATCHES; b++) {
      if (b === 10) server.kill("SIGKILL");
      if (b === 15) server = await startServer(port, dir);
      // A failed batch is retried with the same idempotency keys until it is acknowledged.
      for (;;) {
        try {
          await store.applyEvents("default", batch(b));
          break;
        } catch (error) {
          failures.push(error);
          if (b >= 15 && failures.length > 200) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (b < 15 && b >= 10) break;
        }
      }
    }
    // Batches 10-14 were attempted only while the server was down: send them again now.
    for (let b = 10; b < 15; b++) await store.applyEvents("default", batch(b));

    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toMatchObject({ code: "store_unavailable" });

    // Each of the 30 batches counts exactly once: user j's total is Σ_b (b + j).
    const { metrics } = await store.readAggregates("default", "exp_1");
    const totals = Array.from({ length: 20 }, (_, j) =>
      Array.from({ length: BATCHES }, (_, b) => b + j).reduce((s, v) => s + v, 0),
    );
    const expected = (parity: number) => {
      const mine = totals.filter((_, j) => j % 2 === parity);
      return {
        events: mine.length * BATCHES,
        sum: mine.reduce((s, t) => s + t, 0),
        sumSquares: mine.reduce((s, t) => s + t * t, 0),
        entities: mine.length,
      };
    };
    expect(metrics.tokens).toEqual({ control: expected(0), treatment: expected(1) });
    await store.close();
  }, 60_000);

  it("sends a script again after the server forgot it (NOSCRIPT)", async () => {
    dir = mkdtempSync(join(tmpdir(), "abkit-redis-"));
    const port = await freePort();
    server = await startServer(port, dir);
    const store = redisStore({ url: `redis://127.0.0.1:${port}` });
    const assignment = {
      projectId: "p",
      experimentId: "e",
      entityId: "u",
      variantKey: "A",
      assignedAt: "",
    };
    expect(await store.recordAssignments([assignment])).toEqual(["A"]);
    const admin = new Redis(`redis://127.0.0.1:${port}`);
    await admin.script("FLUSH");
    admin.disconnect();
    expect(
      await store.recordAssignments([{ ...assignment, entityId: "v", variantKey: "B" }]),
    ).toEqual(["B"]);
    await store.close();
  });

  it("rejects within the timeout when nothing listens, and closes cleanly", async () => {
    const port = await freePort();
    const store = redisStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 300 });
    await expect(store.definitionsVersion("default")).rejects.toMatchObject({
      code: "store_unavailable",
      message: expect.stringContaining("redis store"),
    });
    await store.close();
    await expect(store.definitionsVersion("default")).rejects.toMatchObject({
      code: "store_unavailable",
    });
  });
});

// --- Internal helpers ---

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function startServer(port: number, directory: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--dir",
      directory,
    ],
    { stdio: "ignore" },
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    const client = new Redis(`redis://127.0.0.1:${port}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => {}); // the failed connect below says enough
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`redis-server did not start on port ${port}`);
}
