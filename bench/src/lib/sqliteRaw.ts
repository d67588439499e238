import { type EventRecord, planEvents, type RunningTotal } from "@abkit/core";
import type Database from "better-sqlite3";
import { monotonicFactory } from "ulid";
import type { BenchEvent } from "./events.js";

/**
 * The writes `@abkit/sqlite`'s applyEvents makes, on raw better-sqlite3 (no input checks, no
 * store wrapper), with the core's planner for the arithmetic: per batch one IMMEDIATE
 * transaction that looks up what the plan asks (the idempotency key, the assignment and its
 * covariates, the running total) and writes the plan (the accepted events, the new running
 * totals, the daily totals, the counter increments).
 */
export function rawApplier(db: Database.Database, projectId: string, experimentId: string) {
  const ulid = monotonicFactory();
  const selectKey = db
    .prepare<[string, string], 1>(
      "SELECT 1 FROM events WHERE project_id = ? AND idempotency_key = ?",
    )
    .pluck();
  const selectVariant = db
    .prepare<[string, string, string], string>(
      "SELECT variant_key FROM assignments WHERE project_id = ? AND experiment_id = ? AND entity_id = ?",
    )
    .pluck();
  const selectCovariates = db
    .prepare<[string, string, string], [string, number]>(
      `SELECT covariate, value FROM assignment_covariates
       WHERE project_id = ? AND experiment_id = ? AND entity_id = ?`,
    )
    .raw();
  const selectTotal = db.prepare<[string, string, string, string], RunningTotal>(
    `SELECT events, sum FROM entity_totals
     WHERE project_id = ? AND experiment_id = ? AND metric_name = ? AND entity_id = ?`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO events (id, project_id, entity_id, metric_name, value, idempotency_key, timestamp, experiment_ids)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const putTotal = db.prepare(
    `INSERT INTO entity_totals (project_id, experiment_id, metric_name, entity_id, events, sum)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET events = excluded.events, sum = excluded.sum`,
  );
  const addDayTotal = db.prepare(
    `INSERT INTO entity_day_totals (project_id, entity_id, metric_name, day, total)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET total = total + excluded.total`,
  );
  const addCounter = db.prepare(
    `INSERT INTO counters (project_id, experiment_id, counter, value) VALUES (?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET value = value + excluded.value`,
  );
  const experimentIds = [experimentId];
  const experimentIdsJson = JSON.stringify(experimentIds);
  const apply = db.transaction((batch: BenchEvent[]) => {
    const timestamp = new Date().toISOString();
    const events: EventRecord[] = batch.map((event) => ({
      ...event,
      id: `evt_${ulid()}`,
      timestamp,
      experimentIds,
    }));
    const plan = planEvents(projectId, events, {
      seen: (key) => selectKey.get(projectId, key) !== undefined,
      assignment(experiment, entityId) {
        const variantKey = selectVariant.get(projectId, experiment, entityId);
        if (variantKey === undefined) return undefined;
        const covariates = selectCovariates.all(projectId, experiment, entityId);
        return { variantKey, covariates: Object.fromEntries(covariates) };
      },
      total: (experiment, metric, entityId) =>
        selectTotal.get(projectId, experiment, metric, entityId),
      // The bench's metric is declared: the planner never asks.
      aggregatedMetrics: () => new Set(),
    });
    for (const { id, entityId, metricName, value, idempotencyKey } of plan.acceptedEvents) {
      insertEvent.run(
        id,
        projectId,
        entityId,
        metricName,
        value,
        idempotencyKey,
        timestamp,
        experimentIdsJson,
      );
    }
    for (const { experimentId: experiment, metricName, entityId, events: n, sum } of plan.totals) {
      putTotal.run(projectId, experiment, metricName, entityId, n, sum);
    }
    for (const { entityId, metricName, day, delta } of plan.dayTotals) {
      addDayTotal.run(projectId, entityId, metricName, day, delta);
    }
    for (const { experimentId: experiment, counter, delta } of plan.counters) {
      addCounter.run(projectId, experiment, counter, delta);
    }
    return plan.accepted;
  });
  return (events: BenchEvent[]) => apply.immediate(events);
}
