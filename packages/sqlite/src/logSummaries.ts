import { type LogRecord, type LogSummaries, ownEntry, sketchBucket } from "@abkit/core";
import type Database from "better-sqlite3";

/**
 * Returns a function adding a log's metrics to their summaries (count, sum, sketch bucket).
 * Call it inside the transaction that appends the log, so both commit together.
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

/** Reads an experiment's summaries: variant -> metric -> { count, sum, buckets }. */
export function logSummaryReader(
  db: Database.Database,
): (projectId: string, experimentId: string) => LogSummaries {
  const selectMetrics = db.prepare<
    [string, string],
    { variant_key: string; metric_name: string; count: number; sum: number }
  >(
    `SELECT variant_key, metric_name, count, sum FROM log_metrics
     WHERE project_id = ? AND experiment_id = ?`,
  );
  const selectBuckets = db.prepare<
    [string, string],
    { variant_key: string; metric_name: string; bucket: string; count: number }
  >(
    `SELECT variant_key, metric_name, bucket, count FROM log_metric_buckets
     WHERE project_id = ? AND experiment_id = ?`,
  );
  return (projectId, experimentId) =>
    db.transaction(() => {
      const summaries: LogSummaries = {};
      const summaryOf = (variantKey: string, metric: string) =>
        ownEntry(
          ownEntry(summaries, variantKey, () => ({})),
          metric,
          () => ({
            count: 0,
            sum: 0,
            buckets: {},
          }),
        );
      for (const row of selectMetrics.all(projectId, experimentId)) {
        const summary = summaryOf(row.variant_key, row.metric_name);
        summary.count = row.count;
        summary.sum = row.sum;
      }
      for (const row of selectBuckets.all(projectId, experimentId)) {
        ownEntry(summaryOf(row.variant_key, row.metric_name).buckets, row.bucket, () => row.count);
      }
      return summaries;
    })();
}
