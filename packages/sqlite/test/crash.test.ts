import { join } from "node:path";
import { aggregatesFromCounters } from "@abkit/core";
import { killMidIngest } from "@abkit/store-tests";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { sqliteStore } from "../src/index.js";
import { useTempDir } from "./fixtures/tempDir.js";

const tempDir = useTempDir();
const child = join(import.meta.dirname, "fixtures/ingestChild.ts");

describe("sqlite store killed mid-ingest", () => {
  it.each([1, 2, 3])(
    "loses no acknowledged batch and leaves no partial one (run %i)",
    async () => {
      const path = join(tempDir(), "crash.db");
      const acked = await killMidIngest(child, [path]);
      expect(acked.size).toBeGreaterThan(0);

      // Reopening recovers the WAL; then read the raw tables.
      await sqliteStore({ path }).close();
      const db = new Database(path, { readonly: true });
      const perBatch = new Map<number, number>();
      for (const row of db.prepare("SELECT idempotency_key AS k FROM events").all() as {
        k: string;
      }[]) {
        const batch = Number(/^b(\d+):/.exec(row.k)?.[1]);
        perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
      }
      for (const [batch, accepted] of acked)
        expect(perBatch.get(batch), `batch ${batch}`).toBe(accepted);
      // Every batch on disk is whole: 200 events, one of them an in-batch repeat.
      for (const [batch, count] of perBatch) expect(count, `batch ${batch}`).toBe(199);

      expect(readAggregates(db)).toEqual(recountAggregates(db));
      db.close();
    },
    30_000,
  );
});

type AggregateRow = {
  experiment_id: string;
  metric_name: string;
  variant_key: string;
  events: number;
  sum: number;
  sum_squares: number;
  entities: number;
};

/** The metric aggregates the store kept, read from its counters, in the recount's order. */
function readAggregates(db: Database.Database): AggregateRow[] {
  const byExperiment = new Map<string, [string, number][]>();
  const counters = db
    .prepare<[], [string, string, number]>("SELECT experiment_id, counter, value FROM counters")
    .raw()
    .all();
  for (const [experimentId, counter, value] of counters) {
    byExperiment.set(experimentId, [...(byExperiment.get(experimentId) ?? []), [counter, value]]);
  }
  const rows: AggregateRow[] = [];
  for (const [experimentId, entries] of [...byExperiment].sort(byKey)) {
    const { metrics } = aggregatesFromCounters(entries);
    for (const metric of Object.keys(metrics).sort()) {
      for (const [variant, aggregate] of Object.entries(metrics[metric]!).sort(byKey)) {
        rows.push({
          experiment_id: experimentId,
          metric_name: metric,
          variant_key: variant,
          events: aggregate.events,
          sum: aggregate.sum,
          sum_squares: aggregate.sumSquares,
          entities: aggregate.entities,
        });
      }
    }
  }
  return rows;
}

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The aggregates recomputed from the raw events and assignments, independently of the store. */
function recountAggregates(db: Database.Database): AggregateRow[] {
  return db
    .prepare(
      `WITH attributed AS (
         SELECT a.experiment_id, e.metric_name, a.variant_key, e.entity_id, e.value
         FROM events e JOIN json_each(e.experiment_ids) x
         JOIN assignments a ON a.project_id = e.project_id AND a.experiment_id = x.value
                            AND a.entity_id = e.entity_id
       ), per_entity AS (
         SELECT experiment_id, metric_name, variant_key, entity_id, count(*) AS n, sum(value) AS t
         FROM attributed GROUP BY experiment_id, metric_name, variant_key, entity_id
       )
       SELECT experiment_id, metric_name, variant_key, sum(n) AS events, sum(t) AS sum,
              sum(t * t) AS sum_squares, count(*) AS entities
       FROM per_entity GROUP BY experiment_id, metric_name, variant_key
       ORDER BY experiment_id, metric_name, variant_key`,
    )
    .all() as AggregateRow[];
}
