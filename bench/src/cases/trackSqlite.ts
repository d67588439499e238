/**
 * Track ingest on SQLite (temp file, WAL, synchronous NORMAL), batches of 100 with ULID
 * idempotency keys. argv: <ours|store|raw>
 *   ours:  abkit.track() through sqliteStore (the whole pipeline: schema check, ids, store)
 *   store: store.applyEvents() of sqliteStore directly (the store's share alone)
 *   raw:   the same writes on raw better-sqlite3
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAbkit } from "@abkit/core";
import { sqliteStore } from "@abkit/sqlite";
import Database from "better-sqlite3";
import { emit, main } from "../lib/emit.js";
import { eventBatches, storeApplier } from "../lib/events.js";
import { assignAll, createExperiment, EXPERIMENT_KEY, METRIC, users } from "../lib/fixture.js";
import { rawApplier } from "../lib/sqliteRaw.js";

const USERS = 10_000;
const BATCHES = 600;
const SIZE = 100;
const WARM_BATCHES = 50;

main(async () => {
  const mode = process.argv[2] ?? "ours";
  const dir = mkdtempSync(join(tmpdir(), "abkit-bench-"));
  const path = join(dir, "bench.db");
  try {
    const all = users(USERS);
    const batches = eventBatches(all, WARM_BATCHES + BATCHES, SIZE);
    // Setup (untimed): the schema, the running experiment and every user's assignment.
    const store = sqliteStore({ path });
    const abkit = createAbkit({ store });
    await createExperiment(abkit);
    await assignAll(abkit, all);
    const experimentId = (await abkit.experiments.get(EXPERIMENT_KEY))!.id;
    let apply: (events: (typeof batches)[number]) => Promise<unknown> | unknown;
    let db: Database.Database | undefined;
    if (mode === "ours") {
      apply = (events) => abkit.track(events);
    } else if (mode === "store") {
      apply = storeApplier(store, experimentId);
    } else {
      await abkit.close();
      await store.close();
      db = new Database(path);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      apply = rawApplier(db, "default", experimentId);
    }
    for (const batch of batches.slice(0, WARM_BATCHES)) await apply(batch);
    const start = performance.now();
    for (const batch of batches.slice(WARM_BATCHES)) await apply(batch);
    const ms = performance.now() - start;
    const value = ((BATCHES * SIZE) / ms) * 1000;
    if (db) {
      const row = db
        .prepare("SELECT sum(value) AS n FROM counters WHERE counter GLOB 'metric/*/events'")
        .get() as { n: number };
      db.close();
      emit({ name: `track/sqlite/${mode}`, unit: "events/s", value, extra: { counted: row.n } });
    } else {
      const aggregates = await store.readAggregates("default", experimentId);
      const counted = Object.values(aggregates.metrics[METRIC] ?? {}).reduce(
        (sum, variant) => sum + variant.events,
        0,
      );
      await abkit.close();
      await store.close();
      emit({ name: `track/sqlite/${mode}`, unit: "events/s", value, extra: { counted } });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
