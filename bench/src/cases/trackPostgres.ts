/**
 * Track ingest on PostgreSQL, batches of 100 with ULID idempotency keys, in a schema of its
 * own (dropped at the end). argv: <ours|store|raw|processes-1|processes-4>
 *   ours:        abkit.track() through postgresStore (the whole pipeline)
 *   store:       store.applyEvents() of postgresStore directly (the store's share alone)
 *   raw:         the same writes on one raw node-postgres client (src/lib/pgRaw.ts)
 *   processes-N: N processes (`worker`, below) each sending its batches through its own
 *                postgresStore at the same time, into the same experiment; the value is
 *                their total events/s
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createAbkit } from "@abkit/core";
import { postgresStore } from "@abkit/postgres";
import pg from "pg";
import { emit, main } from "../lib/emit.js";
import { type BenchEvent, eventBatches, storeApplier } from "../lib/events.js";
import { assignAll, createExperiment, EXPERIMENT_KEY, METRIC, users } from "../lib/fixture.js";
import { rawApplier } from "../lib/pgRaw.js";
import { nodeArgs } from "../lib/spawn.js";

const URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const USERS = 10_000;
const BATCHES = 400;
const SIZE = 100;
const WARM_BATCHES = 50;

main(async () => {
  const mode = process.argv[2] ?? "ours";
  if (mode === "worker") return worker(process.argv.slice(3));
  const schema = `abkit_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  const store = postgresStore({ url: URL }, { schema });
  try {
    const all = users(USERS);
    // Setup (untimed): the schema, the running experiment and every user's assignment.
    const abkit = createAbkit({ store });
    await createExperiment(abkit);
    await assignAll(abkit, all);
    const experimentId = (await abkit.experiments.get(EXPERIMENT_KEY))!.id;
    const processes = /^processes-(\d+)$/.exec(mode)?.[1];
    let value: number;
    if (processes) {
      value = await inProcesses(Number(processes), schema, experimentId);
    } else {
      const batches = eventBatches(all, WARM_BATCHES + BATCHES, SIZE);
      const apply =
        mode === "ours"
          ? (events: BenchEvent[]) => abkit.track(events)
          : mode === "store"
            ? storeApplier(store, experimentId)
            : rawApplier(admin, schema, "default", experimentId);
      for (const batch of batches.slice(0, WARM_BATCHES)) await apply(batch);
      const start = performance.now();
      for (const batch of batches.slice(WARM_BATCHES)) await apply(batch);
      value = ((BATCHES * SIZE) / (performance.now() - start)) * 1000;
    }
    const aggregates = await store.readAggregates("default", experimentId);
    const counted = Object.values(aggregates.metrics[METRIC] ?? {}).reduce(
      (sum, variant) => sum + variant.events,
      0,
    );
    await abkit.close();
    emit({ name: `track/postgres/${mode}`, unit: "events/s", value, extra: { counted } });
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
});

// --- Internal helpers ---

// Starts `count` workers, waits until each has warmed up, tells them all to go at once, and
// returns the events/s of all of them together (from go to the last one done).
async function inProcesses(count: number, schema: string, experimentId: string): Promise<number> {
  const workers = Array.from({ length: count }, (_, index) => {
    const args = ["worker", schema, experimentId, String(index), String(count)];
    const child = spawn(process.execPath, nodeArgs("src/cases/trackPostgres.ts", args), {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const line = await lines.next();
      if (line.done) throw new Error(`worker ${index} exited early`);
      return line.value;
    };
    return { child, next };
  });
  for (const worker of workers) await worker.next(); // "ready"
  const start = performance.now();
  for (const worker of workers) worker.child.stdin.end("go\n");
  await Promise.all(workers.map((worker) => worker.next())); // "done"
  const ms = performance.now() - start;
  return ((count * BATCHES * SIZE) / ms) * 1000;
}

// One of N processes: its own users' share (rotated by its index), its own store.
async function worker([schema, experimentId, index, count]: string[]): Promise<void> {
  const all = users(USERS);
  const offset = (Number(index) * USERS) / Number(count);
  const mine = [...all.slice(offset), ...all.slice(0, offset)];
  const batches = eventBatches(mine, WARM_BATCHES + BATCHES, SIZE);
  const store = postgresStore({ url: URL }, { schema: schema! });
  const apply = storeApplier(store, experimentId!);
  for (const batch of batches.slice(0, WARM_BATCHES)) await apply(batch);
  process.stdout.write("ready\n");
  await createInterface({ input: process.stdin })[Symbol.asyncIterator]().next();
  for (const batch of batches.slice(WARM_BATCHES)) await apply(batch);
  process.stdout.write("done\n");
  await store.close();
}
