import {
  aggregatedMetrics,
  aggregatesFromCounters,
  type CounterIncrement,
  logSummariesFromCounters,
  sliceValues,
} from "@abkit/core";
import type Database from "better-sqlite3";

/** The `counters` table's reads and writes (see `countersTable`). */
export type Counters = ReturnType<typeof countersTable>;

/**
 * The `counters` table, (project, experiment, counter id) -> number: every aggregate and log
 * summary the core's plans move. A family's ids share a prefix, so a range of the primary
 * key reads it: log summaries are `log/...`, aggregates every other counter.
 */
export function countersTable(db: Database.Database) {
  const add = db.prepare(
    `INSERT INTO counters (project_id, experiment_id, counter, value) VALUES (?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET value = value + excluded.value`,
  );
  const select = (range: string) =>
    db
      .prepare<[string, string, string, string], [string, number]>(
        `SELECT counter, value FROM counters WHERE project_id = ? AND experiment_id = ? AND ${range}`,
      )
      .raw();
  const inRange = select("counter >= ? AND counter < ?");
  const outsideRange = select("(counter < ? OR counter >= ?)");
  // A family's ids run from `<family>/` up to `<family>0`: "0" is the character after "/".
  const logs = ["log/", "log0"] as const;
  const metrics = ["metric/", "metric0"] as const;
  const sliceExposures = ["sliceExposures/", "sliceExposures0"] as const;

  return {
    /** Adds a plan's increments; call it in the transaction that applies the plan. */
    add(increments: readonly CounterIncrement[]): void {
      for (const { projectId, experimentId, counter, delta } of increments) {
        add.run(projectId, experimentId, counter, delta);
      }
    },
    aggregates: (projectId: string, experimentId: string) =>
      aggregatesFromCounters(outsideRange.all(projectId, experimentId, ...logs)),
    logSummaries: (projectId: string, experimentId: string) =>
      logSummariesFromCounters(inRange.all(projectId, experimentId, ...logs)),
    /** The metrics the experiment keeps aggregates of (for the undeclared-metric cap). */
    metrics: (projectId: string, experimentId: string) =>
      aggregatedMetrics(inRange.all(projectId, experimentId, ...metrics).map(([id]) => id)),
    /** The values the experiment keeps slices of, per dimension (for the cap on slices). */
    sliceValues: (projectId: string, experimentId: string) =>
      sliceValues(inRange.all(projectId, experimentId, ...sliceExposures).map(([id]) => id)),
  };
}
