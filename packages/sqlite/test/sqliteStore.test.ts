import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createAbkit, newId } from "@abkit/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION, sqliteStore } from "../src/index.js";
import { MIGRATIONS } from "../src/migrations.js";
import { useTempDir } from "./fixtures/tempDir.js";

const tempDir = useTempDir();

describe("sqliteStore", () => {
  it("opens a file in WAL mode with the configured durability", async () => {
    const path = join(tempDir(), "nested", "abkit.db");
    const store = sqliteStore({ path, synchronous: "FULL" });
    await store.close();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    expect(store.capabilities).toEqual({ crossProcess: true, durable: true });
  });

  it("keeps everything across a close and reopen, through the engine", async () => {
    const path = join(tempDir(), "abkit.db");
    const first = createAbkit({ store: sqliteStore({ url: `sqlite:${path}` }) });
    await first.experiments.create({
      key: "prompt",
      variants: [
        { key: "control", weight: 50, config: { prompt: "short" } },
        { key: "treatment", weight: 50, config: { prompt: "step by step" } },
      ],
    });
    await first.experiments.start("prompt");
    const assigned = await first.evaluate({ experimentKey: "prompt", entityId: "user_42" });
    await first.close();
    await first.store.close();

    const store = sqliteStore({ path });
    const second = createAbkit({ store });
    await second.experiments.update("prompt", { coverage: 0 });
    // Outside coverage now, yet the stored assignment keeps the variant.
    const again = await second.evaluate({ experimentKey: "prompt", entityId: "user_42" });
    expect(again).toMatchObject({ variantKey: assigned.variantKey, reason: "sticky" });
    const { id } = (await second.experiments.get("prompt"))!;
    expect((await store.readAggregates("default", id)).exposures).toEqual({
      [assigned.variantKey!]: 1,
    });
    await store.close();
  });

  it("refuses a file written by a newer schema version, naming both versions", async () => {
    const path = join(tempDir(), "future.db");
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => sqliteStore({ path })).toThrow(
      expect.objectContaining({
        code: "store_version_unsupported",
        message: expect.stringContaining(`schema version ${SCHEMA_VERSION + 1}`),
      }),
    );
  });

  it("opens a file written by schema version 2, backfilling exposures by UTC day", async () => {
    const path = join(tempDir(), "v2.db");
    const db = new Database(path);
    for (const migration of MIGRATIONS.slice(0, 2)) {
      if (typeof migration === "string") db.exec(migration);
      else migration(db);
    }
    db.pragma("user_version = 2");
    const insert = db.prepare(
      `INSERT INTO assignments (project_id, experiment_id, entity_id, variant_key, assigned_at)
       VALUES ('default', ?, ?, ?, ?)`,
    );
    const bump = db.prepare(
      `INSERT INTO exposures (project_id, experiment_id, variant_key, count) VALUES ('default', ?, ?, 1)
       ON CONFLICT DO UPDATE SET count = count + 1`,
    );
    const rows: [string, string, string, string][] = [
      ["exp_1", "u1", "A", "2026-01-01T08:00:00.000Z"],
      ["exp_1", "u2", "A", "2026-01-01T23:59:59.999Z"],
      ["exp_1", "u3", "B", "2026-01-01T12:00:00.000Z"],
      // Another offset, but the first of January in UTC.
      ["exp_1", "u4", "B", "2026-01-02T00:30:00.000+01:00"],
      ["exp_1", "u5", "A", "2026-01-03T00:00:00.000Z"],
      ["exp_1", "u6", "B", "not a time"],
      ["exp_2", "u1", "A", "2026-01-02T10:00:00.000Z"],
    ];
    for (const [experimentId, entityId, variantKey, assignedAt] of rows) {
      insert.run(experimentId, entityId, variantKey, assignedAt);
      bump.run(experimentId, variantKey);
    }
    db.close();

    const store = sqliteStore({ path });
    expect(await store.readAggregates("default", "exp_1")).toEqual({
      exposures: { A: 3, B: 3 },
      exposuresByDay: { "2026-01-01": { A: 2, B: 2 }, "2026-01-03": { A: 1 } },
      metrics: {},
      covariates: {},
      covariateProducts: {},
      crossProducts: {},
      eventsByDay: {},
      metricsByDay: {},
      slices: {},
    });
    expect((await store.readAggregates("default", "exp_2")).exposuresByDay).toEqual({
      "2026-01-02": { A: 1 },
    });
    // New assignments count on top of the backfilled days.
    await store.recordAssignments([
      { ...assignmentOf("exp_1", "u7", "B"), assignedAt: "2026-01-03T09:00:00.000Z" },
      { ...assignmentOf("exp_1", "u1", "B"), assignedAt: "2026-01-03T09:00:00.000Z" },
    ]);
    expect((await store.readAggregates("default", "exp_1")).exposuresByDay).toEqual({
      "2026-01-01": { A: 2, B: 2 },
      "2026-01-03": { A: 1, B: 1 },
    });
    await store.close();
    const reopened = new Database(path);
    expect(reopened.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    reopened.close();
  });

  it("opens a file written by schema version 4, backfilling entity totals by UTC day", async () => {
    const path = join(tempDir(), "v4.db");
    const db = new Database(path);
    for (const migration of MIGRATIONS.slice(0, 4)) {
      if (typeof migration === "string") db.exec(migration);
      else migration(db);
    }
    db.pragma("user_version = 4");
    const insert = db.prepare(
      `INSERT INTO events (id, project_id, entity_id, metric_name, value, idempotency_key, timestamp, experiment_ids)
       VALUES (?, ?, ?, ?, ?, ?, ?, '[]')`,
    );
    const rows: [string, string, string, number, string | null, string][] = [
      ["default", "u1", "tokens", 5, "k1", "2026-01-01T08:00:00.000Z"],
      ["default", "u1", "tokens", 2.5, null, "2026-01-01T23:59:59.999Z"],
      // Another offset, but the first of January in UTC.
      ["default", "u1", "tokens", -1, null, "2026-01-02T00:30:00.000+01:00"],
      ["default", "u1", "tokens", 7, null, "2026-01-02T10:00:00.000Z"],
      ["default", "u1", "orders", 1, null, "2026-01-02T10:00:00.000Z"],
      ["default", "u1", "tokens", 1000, null, "not a time"],
      ["default", "u2", "tokens", 3, null, "2026-01-01T10:00:00.000Z"],
      ["other", "u1", "tokens", 40, null, "2026-01-01T10:00:00.000Z"],
    ];
    for (const [projectId, entityId, metric, value, key, timestamp] of rows) {
      insert.run(newId("evt"), projectId, entityId, metric, value, key, timestamp);
    }
    db.close();

    const store = sqliteStore({ path });
    const request = (entityId: string, fromDay: string, toDay: string) => ({
      entityId,
      metrics: ["tokens", "orders"],
      fromDay,
      toDay,
    });
    expect(
      await store.readEntityTotals("default", [
        request("u1", "2026-01-01", "2026-01-02"),
        request("u1", "2026-01-02", "2026-01-03"),
        request("u2", "2026-01-01", "2026-02-01"),
      ]),
    ).toEqual([
      { tokens: 6.5, orders: 0 },
      { tokens: 7, orders: 1 },
      { tokens: 3, orders: 0 },
    ]);
    // New events add to the backfilled days; a key stored before the migration still dedups.
    const event = {
      id: newId("evt"),
      entityId: "u1",
      metricName: "tokens",
      value: 10,
      timestamp: "2026-01-01T12:00:00.000Z",
      experimentIds: [],
    };
    expect(
      await store.applyEvents("default", [
        { ...event, idempotencyKey: "k1" },
        { ...event, idempotencyKey: "k2" },
      ]),
    ).toEqual({ accepted: 1, deduped: 1 });
    expect(
      await store.readEntityTotals("default", [request("u1", "2026-01-01", "2026-01-02")]),
    ).toEqual([{ tokens: 16.5, orders: 0 }]);
    expect(
      await store.readEntityTotals("other", [request("u1", "2026-01-01", "2026-01-02")]),
    ).toEqual([{ tokens: 40, orders: 0 }]);
    await store.close();
    const reopened = new Database(path);
    expect(reopened.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    reopened.close();
  });

  it("migrates once when several stores open a new file", async () => {
    const path = join(tempDir(), "shared.db");
    const stores = [sqliteStore({ path }), sqliteStore({ path }), sqliteStore({ path })];
    await stores[0]!.createProject({ id: "p", organizationId: "o", name: "P", createdAt: "" });
    expect(await stores[2]!.getProject("p")).toMatchObject({ id: "p" });
    await Promise.all(stores.map((store) => store.close()));
  });

  it("uses a database it is given without closing it", async () => {
    const db = new Database(join(tempDir(), "given.db"));
    const store = sqliteStore({ database: db });
    await store.createProject({ id: "p", organizationId: "o", name: "P", createdAt: "" });
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare("SELECT count(*) AS n FROM projects").get()).toEqual({ n: 1 });
    db.close();
  });

  it("waits for another process's write lock instead of failing", async () => {
    const path = join(tempDir(), "busy.db");
    const store = sqliteStore({ path, busyTimeoutMs: 5000 });
    const holder = await holdWriteLock(path, 300);
    const segment = {
      id: "seg_1",
      projectId: "p",
      key: "es",
      name: "es",
      description: "",
      condition: { country: "ES" },
      revision: 1,
      createdAt: "",
      updatedAt: "",
    };
    // The other process set p's version to 41 inside its transaction: 42 proves this write
    // waited for that commit rather than failing or overtaking it.
    expect(await store.putDefinition("segment", segment, 0)).toBe(42);
    await holder.ended;
    await store.close();
  });

  it("reports a lock held past the busy timeout as store_unavailable and writes nothing", async () => {
    const path = join(tempDir(), "locked.db");
    const store = sqliteStore({ path, busyTimeoutMs: 50 });
    const holder = new Database(path);
    holder.exec("BEGIN IMMEDIATE");
    await expect(
      store.createProject({ id: "p", organizationId: "o", name: "P", createdAt: "" }),
    ).rejects.toMatchObject({
      code: "store_unavailable",
      message: expect.stringContaining("locked"),
    });
    holder.exec("COMMIT");
    expect(await store.getProject("p")).toBeNull();
    holder.close();
    await store.close();
  });

  it("rejects bad options with a message naming the field", () => {
    expect(() => sqliteStore({ url: "redis://localhost" })).toThrow(
      '"redis://localhost" is not a sqlite: URL',
    );
    expect(() => sqliteStore({ path: "x.db", busyTimeoutMs: -1 })).toThrow("busyTimeoutMs");
    expect(() => sqliteStore({ path: "x.db", synchronous: "OFF" as never })).toThrow("synchronous");
  });
});

function assignmentOf(experimentId: string, entityId: string, variantKey: string) {
  return { projectId: "default", experimentId, entityId, variantKey, assignedAt: "" };
}

/**
 * Starts a process that takes the write lock on `path`, holds it `ms`, then commits.
 * Resolves once the lock is held, with a promise of the process's end.
 */
async function holdWriteLock(path: string, ms: number): Promise<{ ended: Promise<void> }> {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const script = `const db = new (require(${JSON.stringify(driver)}))(${JSON.stringify(path)});
    db.exec("BEGIN IMMEDIATE");
    db.exec("INSERT INTO definition_versions (project_id, version) VALUES ('p', 41)");
    console.log("locked");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const ended = new Promise<void>((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`lock holder exited ${code}`)),
    ),
  );
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  return { ended };
}
