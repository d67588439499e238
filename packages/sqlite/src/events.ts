import {
  aggregateDelta,
  checkAssignmentRecords,
  checkEntityTotalsRequests,
  checkEventRecords,
  declaredIn,
  type EventRecord,
  type EventStore,
  exposureDay,
  MAX_AGGREGATED_METRICS,
  type MetricAggregate,
  ownEntry,
} from "@abkit/core";
import type { Connection } from "./connection.js";
import { productWriter } from "./products.js";

/**
 * Assignments and events. Each call is one transaction, so dedup, per-entity totals and
 * per-variant aggregates move together or not at all, also when a process dies mid-batch.
 */
export function eventMethods({ db, run, write }: Connection): EventStore {
  const insertAssignment = db.prepare(
    `INSERT INTO assignments (project_id, experiment_id, entity_id, variant_key, assigned_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const selectAssignment = db.prepare<[string, string, string], { variant_key: string }>(
    "SELECT variant_key FROM assignments WHERE project_id = ? AND experiment_id = ? AND entity_id = ?",
  );
  const bumpExposure = db.prepare(
    `INSERT INTO exposures (project_id, experiment_id, variant_key, count) VALUES (?, ?, ?, 1)
     ON CONFLICT DO UPDATE SET count = count + 1`,
  );
  const bumpExposureDay = db.prepare(
    `INSERT INTO exposures_by_day (project_id, experiment_id, day, variant_key, count)
     VALUES (?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET count = count + 1`,
  );
  // The unique partial index on (project_id, idempotency_key) is the dedup: a repeat inserts nothing.
  const insertEvent = db.prepare(
    `INSERT INTO events (id, project_id, entity_id, metric_name, value, idempotency_key, timestamp, experiment_ids)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
  );
  const selectTotal = db.prepare<[string, string, string, string], { events: number; sum: number }>(
    `SELECT events, sum FROM entity_totals
     WHERE project_id = ? AND experiment_id = ? AND metric_name = ? AND entity_id = ?`,
  );
  const upsertTotal = db.prepare(
    `INSERT INTO entity_totals (project_id, experiment_id, metric_name, entity_id, events, sum)
     VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET events = events + 1, sum = sum + excluded.sum`,
  );
  // Whether the experiment has aggregates of a metric, and of how many (the cap's inputs).
  const selectHasMetric = db.prepare<[string, string, string], { found: number }>(
    `SELECT 1 AS found FROM aggregates
     WHERE project_id = ? AND experiment_id = ? AND metric_name = ? LIMIT 1`,
  );
  const selectMetricCount = db.prepare<[string, string], { count: number }>(
    `SELECT COUNT(DISTINCT metric_name) AS count FROM aggregates
     WHERE project_id = ? AND experiment_id = ?`,
  );
  const admitted = (projectId: string, experimentId: string, event: EventRecord) =>
    declaredIn(event, experimentId) ||
    selectHasMetric.get(projectId, experimentId, event.metricName) !== undefined ||
    (selectMetricCount.get(projectId, experimentId)?.count ?? 0) < MAX_AGGREGATED_METRICS;
  const upsertAggregate = db.prepare(
    `INSERT INTO aggregates (project_id, experiment_id, metric_name, variant_key, events, sum, sum_squares, entities)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?)
     ON CONFLICT DO UPDATE SET events = events + 1, sum = sum + excluded.sum,
       sum_squares = sum_squares + excluded.sum_squares, entities = entities + excluded.entities`,
  );
  const addDayTotal = db.prepare(
    `INSERT INTO entity_day_totals (project_id, entity_id, metric_name, day, total)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET total = total + excluded.total`,
  );
  const selectDayTotals = db.prepare<
    [string, string, string, string],
    { metric_name: string; total: number }
  >(
    `SELECT metric_name, sum(total) AS total FROM entity_day_totals
     WHERE project_id = ? AND entity_id = ? AND day >= ? AND day < ? GROUP BY metric_name`,
  );
  const selectExposures = db.prepare<[string, string], { variant_key: string; count: number }>(
    "SELECT variant_key, count FROM exposures WHERE project_id = ? AND experiment_id = ?",
  );
  const selectExposuresByDay = db.prepare<
    [string, string],
    { day: string; variant_key: string; count: number }
  >(
    "SELECT day, variant_key, count FROM exposures_by_day WHERE project_id = ? AND experiment_id = ?",
  );
  const selectAggregates = db.prepare<
    [string, string],
    {
      metric_name: string;
      variant_key: string;
      events: number;
      sum: number;
      sum_squares: number;
      entities: number;
    }
  >(
    `SELECT metric_name, variant_key, events, sum, sum_squares, entities FROM aggregates
     WHERE project_id = ? AND experiment_id = ?`,
  );

  const products = productWriter(db);

  return {
    recordAssignments: async (assignments) => {
      // Check every record before the transaction: a bad call writes nothing.
      checkAssignmentRecords(assignments);
      return write(() =>
        assignments.map((record) => {
          const { projectId, experimentId, entityId, variantKey } = record;
          if (
            insertAssignment.run(projectId, experimentId, entityId, variantKey, record.assignedAt)
              .changes === 0
          ) {
            return selectAssignment.get(projectId, experimentId, entityId)!.variant_key;
          }
          // In the same transaction as the insert: a new assignment counts once, dated.
          bumpExposure.run(projectId, experimentId, variantKey);
          const day = exposureDay(record.assignedAt);
          if (day !== null) bumpExposureDay.run(projectId, experimentId, day, variantKey);
          if (record.covariates) {
            products.addCovariates(
              projectId,
              experimentId,
              entityId,
              variantKey,
              record.covariates,
            );
          }
          return variantKey;
        }),
      );
    },

    getAssignment: (projectId, experimentId, entityId) =>
      run(() => selectAssignment.get(projectId, experimentId, entityId)?.variant_key ?? null),

    applyEvents: async (projectId, events) => {
      // Check every event before the transaction: a bad batch writes nothing.
      checkEventRecords(events);
      return write(() => {
        let accepted = 0;
        for (const event of events) {
          const { entityId, metricName, value } = event;
          const inserted = insertEvent.run(
            event.id,
            projectId,
            entityId,
            metricName,
            value,
            event.idempotencyKey,
            event.timestamp,
            JSON.stringify(event.experimentIds),
          );
          if (inserted.changes === 0) continue;
          accepted += 1;
          const day = exposureDay(event.timestamp);
          if (day !== null) addDayTotal.run(projectId, entityId, metricName, day, value);
          for (const experimentId of event.experimentIds) {
            const variant = selectAssignment.get(projectId, experimentId, entityId)?.variant_key;
            if (variant === undefined || !admitted(projectId, experimentId, event)) continue;
            const total = selectTotal.get(projectId, experimentId, metricName, entityId);
            const delta = aggregateDelta(total?.sum ?? 0, value, total === undefined);
            products.addProducts(projectId, experimentId, variant, event, total === undefined);
            upsertTotal.run(projectId, experimentId, metricName, entityId, value);
            upsertAggregate.run(
              projectId,
              experimentId,
              metricName,
              variant,
              delta.sum,
              delta.sumSquares,
              delta.entities,
            );
          }
        }
        return { accepted, deduped: events.length - accepted };
      });
    },

    readEntityTotals: async (projectId, requests) => {
      // Check every request before the first read.
      checkEntityTotalsRequests(requests);
      return run(() =>
        // One read transaction: every request sees the same committed batches.
        db.transaction(() =>
          requests.map(({ entityId, metrics, fromDay, toDay }) => {
            const sums = new Map<string, number>();
            for (const row of selectDayTotals.all(projectId, entityId, fromDay, toDay)) {
              sums.set(row.metric_name, row.total);
            }
            const totals: Record<string, number> = {};
            for (const metric of metrics) ownEntry(totals, metric, () => sums.get(metric) ?? 0);
            return totals;
          }),
        )(),
      );
    },

    readAggregates: (projectId, experimentId) =>
      run(() =>
        db.transaction(() => {
          const exposures: Record<string, number> = {};
          for (const row of selectExposures.all(projectId, experimentId))
            exposures[row.variant_key] = row.count;
          const exposuresByDay: Record<string, Record<string, number>> = {};
          for (const row of selectExposuresByDay.all(projectId, experimentId)) {
            ownEntry(exposuresByDay, row.day, () => ({}))[row.variant_key] = row.count;
          }
          const metrics: Record<string, Record<string, MetricAggregate>> = {};
          for (const row of selectAggregates.all(projectId, experimentId)) {
            ownEntry(metrics, row.metric_name, () => ({}))[row.variant_key] = {
              events: row.events,
              sum: row.sum,
              sumSquares: row.sum_squares,
              entities: row.entities,
            };
          }
          return { exposures, exposuresByDay, metrics, ...products.read(projectId, experimentId) };
        })(),
      ),
  };
}
