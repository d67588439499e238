import { join } from "node:path";
import { memoryStore } from "@abkit/memory";
import { killMidIngest } from "@abkit/store-tests";
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
          const acked = await killMidIngest(child, [POSTGRES_URL, schema]);
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
