import {
  aggregatedMetrics,
  aggregatesFromCounters,
  type CounterIncrement,
  type ExperimentAggregates,
  type LogSummaries,
  logSummariesFromCounters,
} from "@abkit/core";
import type Database from "better-sqlite3";

/**
 * The `counters` table: (project, experiment, counter id) -> number, where the core's plans
 * put every aggregate and log summary. Ids are `counterId`'s; a family's ids share a prefix,
 * so one range of the primary key reads it.
 */
export interface Counters {
  /** Adds a plan's increments; call it inside the transaction that applies the plan. */
  add(increments: readonly CounterIncrement[]): void;
  aggregates(projectId: string, experimentId: string): ExperimentAggregates;
  logSummaries(projectId: string, experimentId: string): LogSummaries;
  /** The metrics the experiment keeps aggregates of (for the undeclared-metric cap). */
  metrics(projectId: string, experimentId: string): Set<string>;
}

export function countersTable(db: Database.Database): Counters {
  const add = db.prepare(
    `INSERT INTO counters (project_id, experiment_id, counter, value) VALUES (?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET value = value + excluded.value`,
  );
  type Range = [projectId: string, experimentId: string, from: string, to: string];
  const inRange = db
    .prepare<Range, [string, number]>(
      `SELECT counter, value FROM counters
       WHERE project_id = ? AND experiment_id = ? AND counter >= ? AND counter < ?`,
    )
    .raw();
  const outsideRange = db
    .prepare<Range, [string, number]>(
      `SELECT counter, value FROM counters
       WHERE project_id = ? AND experiment_id = ? AND (counter < ? OR counter >= ?)`,
    )
    .raw();
  const metricIds = db
    .prepare<Range, string>(
      `SELECT counter FROM counters
       WHERE project_id = ? AND experiment_id = ? AND counter >= ? AND counter < ?`,
    )
    .pluck();
  const [logFrom, logTo] = prefixRange("log");
  const [metricFrom, metricTo] = prefixRange("metric");

  return {
    add(increments) {
      for (const { projectId, experimentId, counter, delta } of increments) {
        add.run(projectId, experimentId, counter, delta);
      }
    },
    // Log summaries are counters too: aggregates are every counter but theirs.
    aggregates: (projectId, experimentId) =>
      aggregatesFromCounters(outsideRange.all(projectId, experimentId, logFrom, logTo)),
    logSummaries: (projectId, experimentId) =>
      logSummariesFromCounters(inRange.all(projectId, experimentId, logFrom, logTo)),
    metrics: (projectId, experimentId) =>
      aggregatedMetrics(metricIds.all(projectId, experimentId, metricFrom, metricTo)),
  };
}

// --- Internal helpers ---

// The ids of a family (`<family>/...`) sort from `<family>/` up to, not including,
// `<family>0`: "0" is the character right after "/".
function prefixRange(family: string): [string, string] {
  return [`${family}/`, `${family}0`];
}
