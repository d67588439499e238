import type Database from "better-sqlite3";
import { monotonicFactory } from "ulid";
import type { BenchEvent } from "./events.js";

/**
 * The writes `@abkit/sqlite`'s applyEvents makes, on raw better-sqlite3: per batch one
 * IMMEDIATE transaction; per event the dedup insert, the entity's daily total, the
 * assignment lookup, the entity total read and its upsert, and the per-variant aggregate
 * upsert.
 */
export function rawApplier(db: Database.Database, projectId: string, experimentId: string) {
  const ulid = monotonicFactory();
  const insertEvent = db.prepare(
    `INSERT INTO events (id, project_id, entity_id, metric_name, value, idempotency_key, timestamp, experiment_ids)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
  );
  const selectAssignment = db.prepare<[string, string, string], { variant_key: string }>(
    "SELECT variant_key FROM assignments WHERE project_id = ? AND experiment_id = ? AND entity_id = ?",
  );
  const selectTotal = db.prepare<[string, string, string, string], { sum: number }>(
    `SELECT sum FROM entity_totals
     WHERE project_id = ? AND experiment_id = ? AND metric_name = ? AND entity_id = ?`,
  );
  const upsertTotal = db.prepare(
    `INSERT INTO entity_totals (project_id, experiment_id, metric_name, entity_id, events, sum)
     VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET events = events + 1, sum = sum + excluded.sum`,
  );
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
  const experimentIds = JSON.stringify([experimentId]);
  const apply = db.transaction((events: BenchEvent[]) => {
    const now = new Date().toISOString();
    let accepted = 0;
    for (const event of events) {
      const { entityId, metricName, value } = event;
      const inserted = insertEvent.run(
        `evt_${ulid()}`,
        projectId,
        entityId,
        metricName,
        value,
        event.idempotencyKey,
        now,
        experimentIds,
      );
      if (inserted.changes === 0) continue;
      accepted++;
      addDayTotal.run(projectId, entityId, metricName, now.slice(0, 10), value);
      const variant = selectAssignment.get(projectId, experimentId, entityId)?.variant_key;
      if (variant === undefined) continue;
      const total = selectTotal.get(projectId, experimentId, metricName, entityId);
      const before = total?.sum ?? 0;
      const after = before + value;
      upsertTotal.run(projectId, experimentId, metricName, entityId, value);
      upsertAggregate.run(
        projectId,
        experimentId,
        metricName,
        variant,
        value,
        after * after - before * before,
        total === undefined ? 1 : 0,
      );
    }
    return accepted;
  });
  return (events: BenchEvent[]) => apply.immediate(events);
}
