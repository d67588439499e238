import {
  type AssignmentRecord,
  type EntityTotalsRequest,
  type EventRecord,
  type EventStore,
  ownEntry,
  planAssignments,
  planEvents,
  type RunningTotal,
  type StoredAssignment,
} from "@abkit/core";
import type Database from "better-sqlite3";
import type { Counters } from "./counters.js";
import { reader, writer } from "./transactions.js";

/**
 * Assignments and event batches. Each call is one transaction that reads what the core's
 * planner asks for, plans, and writes the plan, so dedup, running totals and counters move
 * together or not at all, also when a process dies mid-batch.
 */
export function eventMethods(db: Database.Database, counters: Counters): EventStore {
  const insertAssignment = db.prepare(
    `INSERT INTO assignments (project_id, experiment_id, entity_id, variant_key, assigned_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const insertCovariate = db.prepare(
    `INSERT INTO assignment_covariates (project_id, experiment_id, entity_id, covariate, value)
     VALUES (?, ?, ?, ?, ?)`,
  );
  type Entity = [projectId: string, experimentId: string, entityId: string];
  const selectVariant = db
    .prepare<Entity, string>(
      "SELECT variant_key FROM assignments WHERE project_id = ? AND experiment_id = ? AND entity_id = ?",
    )
    .pluck();
  const selectAssignment = db.prepare<
    Entity,
    { variant_key: string; covariate: string | null; value: number | null }
  >(
    `SELECT a.variant_key, c.covariate, c.value FROM assignments a
     LEFT JOIN assignment_covariates c USING (project_id, experiment_id, entity_id)
     WHERE a.project_id = ? AND a.experiment_id = ? AND a.entity_id = ?`,
  );
  const selectKey = db
    .prepare<[string, string], number>(
      "SELECT 1 FROM events WHERE project_id = ? AND idempotency_key = ?",
    )
    .pluck();
  // Events are kept whole; the unique index on (project_id, idempotency_key) backs the dedup.
  const insertEvent = db.prepare(
    `INSERT INTO events (id, project_id, entity_id, metric_name, value, idempotency_key, timestamp, experiment_ids)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectTotal = db.prepare<[string, string, string, string], RunningTotal>(
    `SELECT events, sum FROM entity_totals
     WHERE project_id = ? AND experiment_id = ? AND metric_name = ? AND entity_id = ?`,
  );
  const putTotal = db.prepare(
    `INSERT INTO entity_totals (project_id, experiment_id, metric_name, entity_id, events, sum)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET events = excluded.events, sum = excluded.sum`,
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

  const assignmentOf = (...entity: Entity): StoredAssignment | undefined => {
    const rows = selectAssignment.all(...entity);
    if (rows.length === 0) return undefined;
    const covariates: Record<string, number> = {};
    for (const { covariate, value } of rows) {
      if (covariate !== null && value !== null) ownEntry(covariates, covariate, () => value);
    }
    return { variantKey: rows[0]!.variant_key, covariates };
  };

  return {
    recordAssignments: writer(db, (records: AssignmentRecord[]) => {
      const plan = planAssignments(records, (...entity) => selectVariant.get(...entity));
      for (const { projectId, experimentId, entityId, ...record } of plan.inserts) {
        insertAssignment.run(
          projectId,
          experimentId,
          entityId,
          record.variantKey,
          record.assignedAt,
        );
        for (const [name, x] of Object.entries(record.covariates ?? {})) {
          insertCovariate.run(projectId, experimentId, entityId, name, x);
        }
      }
      counters.add(plan.counters);
      return plan.variants;
    }),

    getAssignment: async (...entity) => selectVariant.get(...entity) ?? null,

    applyEvents: writer(db, (projectId: string, events: EventRecord[]) => {
      const plan = planEvents(projectId, events, {
        seen: (key) => selectKey.get(projectId, key) !== undefined,
        assignment: (experimentId, entityId) => assignmentOf(projectId, experimentId, entityId),
        total: (experimentId, metric, entityId) =>
          selectTotal.get(projectId, experimentId, metric, entityId),
        aggregatedMetrics: (experimentId) => counters.metrics(projectId, experimentId),
      });
      for (const event of plan.acceptedEvents) {
        const { id, entityId, metricName, value, idempotencyKey, timestamp } = event;
        const experimentIds = JSON.stringify(event.experimentIds);
        insertEvent.run(
          id,
          projectId,
          entityId,
          metricName,
          value,
          idempotencyKey,
          timestamp,
          experimentIds,
        );
      }
      for (const { experimentId, metricName, entityId, events: n, sum } of plan.totals) {
        putTotal.run(projectId, experimentId, metricName, entityId, n, sum);
      }
      for (const { entityId, metricName, day, delta } of plan.dayTotals) {
        addDayTotal.run(projectId, entityId, metricName, day, delta);
      }
      counters.add(plan.counters);
      return { accepted: plan.accepted, deduped: plan.deduped };
    }),

    // One read transaction: every request sees the same committed batches.
    readEntityTotals: reader(db, (projectId: string, requests: EntityTotalsRequest[]) =>
      requests.map(({ entityId, metrics, fromDay, toDay }) => {
        const sums = new Map<string, number>();
        for (const row of selectDayTotals.all(projectId, entityId, fromDay, toDay)) {
          sums.set(row.metric_name, row.total);
        }
        const totals: Record<string, number> = {};
        for (const metric of metrics) ownEntry(totals, metric, () => sums.get(metric) ?? 0);
        return totals;
      }),
    ),

    readAggregates: async (projectId, experimentId) => counters.aggregates(projectId, experimentId),
  };
}
