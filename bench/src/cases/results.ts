/**
 * Results read time after N events (memory store). Ingest is untimed; users = N / 10 (at
 * most 100,000), so both events and users grow. Reports the median time of one
 * `abkit.results()` call. argv: <events>
 */
import { createAbkit } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { emit, main } from "../lib/emit.js";
import { eventBatches } from "../lib/events.js";
import { assignAll, createExperiment, EXPERIMENT_KEY, users } from "../lib/fixture.js";
import { medianMs } from "../lib/measure.js";

const BATCH = 1000;
const SAMPLES = 200;
/** Calls per timed sample: one call takes ~15 µs, too close to timer and GC noise alone. */
const CALLS = 50;

main(async () => {
  const events = Number(process.argv[2] ?? 1000);
  const all = users(Math.min(Math.max(events / 10, 1), 100_000));
  const store = memoryStore();
  const abkit = createAbkit({ store });
  await createExperiment(abkit);
  await assignAll(abkit, all);
  const size = Math.min(BATCH, events);
  for (const batch of eventBatches(all, events / size, size)) await abkit.track(batch);
  const results = await abkit.results(EXPERIMENT_KEY);
  const read = async () => {
    for (let i = 0; i < CALLS; i++) await abkit.results(EXPERIMENT_KEY);
  };
  await medianMs(read, SAMPLES / 4);
  const value = (await medianMs(read, SAMPLES)) / CALLS;
  await abkit.close();
  await store.close();
  emit({
    name: `results/memory/${events}`,
    unit: "ms",
    value,
    extra: { users: all.length, metrics: Object.keys(results.metrics ?? {}).length },
  });
});
