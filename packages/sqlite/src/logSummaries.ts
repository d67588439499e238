import { type LogRecord, sketchBucket } from "@abkit/core";
import type Database from "better-sqlite3";

/**
 * Schema 2's backfill: adds a log's metrics to the `log_metrics` and `log_metric_buckets`
 * tables of versions 2 to 5 (version 6 moves them into `counters`). Only that migration
 * uses it; new logs move counters (`planLog`).
 */
export function logSummaryWriter(db: Database.Database): (record: LogRecord) => void {
  const upsertMetric = db.prepare(
    `INSERT INTO log_metrics (project_id, experiment_id, variant_key, metric_name, count, sum)
     VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET count = count + 1, sum = sum + excluded.sum`,
  );
  const upsertBucket = db.prepare(
    `INSERT INTO log_metric_buckets (project_id, experiment_id, variant_key, metric_name, bucket, count)
     VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET count = count + 1`,
  );
  return (record) => {
    const { projectId, experimentId, variantKey } = record;
    for (const [metric, value] of Object.entries(record.metrics)) {
      upsertMetric.run(projectId, experimentId, variantKey, metric, value);
      upsertBucket.run(projectId, experimentId, variantKey, metric, sketchBucket(value));
    }
  };
}
