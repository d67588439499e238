/**
 * Track ingest on Redis, batches of 100 with ULID idempotency keys. argv: <ours|store|raw>
 *   ours:  abkit.track() through redisStore
 *   store: store.applyEvents() of redisStore directly
 *   raw:   one EVALSHA of the same Lua script per batch on raw ioredis
 * Keys live under a per-run prefix and are deleted at the end.
 */
import { createAbkit } from "@abkit/core";
import { redisStore } from "@abkit/redis";
import { Redis } from "ioredis";
import { emit, main } from "../lib/emit.js";
import { eventBatches, storeApplier } from "../lib/events.js";
import { assignAll, createExperiment, EXPERIMENT_KEY, METRIC, users } from "../lib/fixture.js";
import { deleteKeys, rawApplier } from "../lib/redisRaw.js";

const URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const USERS = 10_000;
const BATCHES = 400;
const SIZE = 100;
const WARM_BATCHES = 50;

main(async () => {
  const mode = process.argv[2] ?? "ours";
  const prefix = `abkit-bench-${process.pid}-${Date.now()}:`;
  const admin = new Redis(URL);
  const store = redisStore({ url: URL, prefix });
  try {
    const all = users(USERS);
    const batches = eventBatches(all, WARM_BATCHES + BATCHES, SIZE);
    const abkit = createAbkit({ store });
    await createExperiment(abkit);
    await assignAll(abkit, all);
    const experimentId = (await abkit.experiments.get(EXPERIMENT_KEY))!.id;
    let apply: (events: (typeof batches)[number]) => Promise<unknown>;
    let raw: Redis | undefined;
    if (mode === "ours") {
      apply = (events) => abkit.track(events);
    } else if (mode === "store") {
      apply = storeApplier(store, experimentId);
    } else {
      raw = new Redis(URL);
      apply = rawApplier(raw, prefix, "default", experimentId);
    }
    for (const batch of batches.slice(0, WARM_BATCHES)) await apply(batch);
    const start = performance.now();
    for (const batch of batches.slice(WARM_BATCHES)) await apply(batch);
    const ms = performance.now() - start;
    const value = ((BATCHES * SIZE) / ms) * 1000;
    const aggregates = await store.readAggregates("default", experimentId);
    const counted = Object.values(aggregates.metrics[METRIC] ?? {}).reduce(
      (sum, variant) => sum + variant.events,
      0,
    );
    await abkit.close();
    raw?.disconnect();
    emit({ name: `track/redis/${mode}`, unit: "events/s", value, extra: { counted } });
  } finally {
    await store.close();
    await deleteKeys(admin, prefix);
    admin.disconnect();
  }
});
