/**
 * Definition writes in a big project, and what they cost another project of the same
 * process. Project `big` holds 10,000 segments; project `other` serves evaluations of the
 * fixture experiment, one per turn of the event loop (as requests arriving on a server do),
 * each timed from when it is scheduled to when it returns. In `writes` mode one segment of
 * `big` is updated after another for the whole run; in `idle` mode nothing is written.
 * Reports `other`'s evaluate p50 (ms); extra: its p99 and max, and the writes' count, p50
 * and p99. argv: <memory|sqlite> <idle|writes>
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAbkit, type Segment, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { sqliteStore } from "@abkit/sqlite";
import { emit, main } from "../lib/emit.js";
import { assignAll, createExperiment, EXPERIMENT_KEY, users } from "../lib/fixture.js";

const SEGMENTS = 10_000;
const WARM_MS = 1000;
const RUN_MS = 4000;

main(async () => {
  const kind = process.argv[2] === "sqlite" ? "sqlite" : "memory";
  const mode = process.argv[3] === "idle" ? "idle" : "writes";
  const file = join(tmpdir(), `abkit-bench-defs-${process.pid}.db`);
  const store: Store = kind === "sqlite" ? sqliteStore({ path: file }) : memoryStore();
  await seedSegments(store, "big");
  const abkit = createAbkit({ store, project: "other" });
  const big = abkit.forProject("big");
  await createExperiment(abkit);
  const all = users(1000);
  await assignAll(abkit, all);
  await big.segments.list();

  let running = true;
  const writes: number[] = [];
  const writer = async () => {
    for (let i = 0; running; i++) {
      const start = performance.now();
      await big.segments.update(`segment-${i % SEGMENTS}`, { condition: { plan: `p${i}` } });
      writes.push(performance.now() - start);
      await turn();
    }
  };
  const evaluations: number[] = [];
  const reader = async (until: number, record: boolean) => {
    for (let i = 0; performance.now() < until; i++) {
      const user = all[i % all.length]!;
      const start = performance.now();
      await turn();
      await abkit.evaluate({
        experimentKey: EXPERIMENT_KEY,
        entityId: user.id,
        properties: { country: user.country },
      });
      if (record) evaluations.push(performance.now() - start);
    }
  };

  const writing = mode === "writes" ? writer() : Promise.resolve();
  await reader(performance.now() + WARM_MS, false);
  writes.length = 0;
  await reader(performance.now() + RUN_MS, true);
  running = false;
  await writing;

  await abkit.close();
  await store.close();
  if (kind === "sqlite")
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  emit({
    name: `definitions/${kind}/${mode}`,
    unit: "ms",
    value: quantile(evaluations, 0.5),
    extra: {
      evaluations: evaluations.length,
      evaluateP99: round(quantile(evaluations, 0.99)),
      evaluateMax: round(quantile(evaluations, 1)),
      writes: writes.length,
      writeP50: round(quantile(writes, 0.5)),
      writeP99: round(quantile(writes, 0.99)),
    },
  });
});

// --- Internal helpers ---

// Segments written straight to the store: the case times writes made afterwards.
async function seedSegments(store: Store, projectId: string): Promise<void> {
  const now = new Date().toISOString();
  for (let i = 0; i < SEGMENTS; i++) {
    const segment: Segment = {
      id: `seg_${String(i).padStart(8, "0")}`,
      projectId,
      key: `segment-${i}`,
      name: `segment-${i}`,
      description: "",
      condition: { plan: `plan-${i}`, country: { $in: ["ES", "FR"] } },
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    await store.putDefinition("segment", segment, 0);
  }
}

// One turn of the event loop: what a request arriving from the network waits for.
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
