import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { memoryStore } from "@abkit/memory";
import { afterAll, describe, expect, it } from "vitest";
import { postgresStore } from "../src/index.js";
import { assignments, ingestBatch, KEYS_PER_BATCH, PROJECT } from "./fixtures/ingestBatches.js";
import {
  adminPool,
  dropSchema,
  freshSchema,
  POSTGRES_URL,
  serverAnswers,
} from "./fixtures/server.js";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const child = join(import.meta.dirname, "fixtures/ingestChild.ts");

if (await serverAnswers("crash")) {
  const admin = adminPool();
  afterAll(() => admin.end());

  describe("postgres store killed mid-ingest", () => {
    it.each([1, 2, 3])(
      "loses no acknowledged batch and leaves no partial one (run %i)",
      async () => {
        const schema = freshSchema();
        try {
          const acked = await ingestThenKill(schema);
          expect(acked.size).toBeGreaterThan(0);

          // The server rolled back the transaction the kill cut short: every batch it holds
          // has all its keys, and every acknowledged batch is there.
          const { rows } = await admin.query<{ batch: number; keys: number }>(
            `SELECT split_part(substr(key, 2), ':', 1)::int AS batch, count(*)::int AS keys
             FROM "${schema}".event_keys GROUP BY 1 ORDER BY 1`,
          );
          const stored = new Map(rows.map((row) => [row.batch, row.keys]));
          for (const [batch, accepted] of acked) {
            expect(accepted, `batch ${batch} acknowledged`).toBe(KEYS_PER_BATCH);
            expect(stored.get(batch), `batch ${batch} stored`).toBe(KEYS_PER_BATCH);
          }
          for (const [batch, keys] of stored) expect(keys, `batch ${batch}`).toBe(KEYS_PER_BATCH);
          // The child sends one batch at a time: what is stored is the acknowledged ones,
          // and perhaps the one whose acknowledgement the kill cut off.
          const batches = [...stored.keys()];
          expect(batches).toEqual(batches.map((_, i) => i));
          expect(batches.length - acked.size).toBeLessThanOrEqual(1);

          // Aggregates and daily totals equal those of the memory store (the reference)
          // fed the same batches: nothing counted twice, nothing half.
          const reference = memoryStore();
          await reference.recordAssignments(assignments);
          for (const batch of batches) await reference.applyEvents(PROJECT, ingestBatch(batch));
          const store = postgresStore({ url: POSTGRES_URL }, { schema });
          for (const experiment of ["exp_a", "exp_b"]) {
            expect(await store.readAggregates(PROJECT, experiment)).toEqual(
              await reference.readAggregates(PROJECT, experiment),
            );
          }
          const requests = Array.from({ length: 50 }, (_, i) => ({
            entityId: `u${i}`,
            metrics: ["output_tokens", "thumbs_up"],
            fromDay: "2026-03-01",
            toDay: "2026-03-04",
          }));
          expect(await store.readEntityTotals(PROJECT, requests)).toEqual(
            await reference.readEntityTotals(PROJECT, requests),
          );
          await store.close();
        } finally {
          await dropSchema(admin, schema);
        }
      },
      60_000,
    );
  });
}

/** Runs the ingesting child, kills it with SIGKILL at a random moment, returns its acks. */
async function ingestThenKill(schema: string): Promise<Map<number, number>> {
  const ingest = spawn(
    process.execPath,
    ["--import", tsx, "--conditions=@abkit/source", child, POSTGRES_URL, schema],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const acked = new Map<number, number>();
  let stderr = "";
  ingest.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const killAfterAcks = 5 + Math.floor(Math.random() * 30);
  let buffered = "";
  await new Promise<void>((resolve, reject) => {
    ingest.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^ack (\d+) (\d+)$/.exec(line);
        if (match) acked.set(Number(match[1]), Number(match[2]));
      }
      // Past the threshold, kill after a random few milliseconds: most likely mid-batch.
      if (acked.size >= killAfterAcks) killSoon(ingest);
    });
    ingest.on("exit", (_code, signal) =>
      signal === "SIGKILL"
        ? resolve()
        : reject(new Error(`ingest child exited on its own: ${stderr}`)),
    );
  });
  return acked;
}

const killScheduled = new WeakSet<ChildProcess>();

function killSoon(target: ChildProcess): void {
  if (killScheduled.has(target)) return;
  killScheduled.add(target);
  setTimeout(() => target.kill("SIGKILL"), Math.random() * 20);
}
