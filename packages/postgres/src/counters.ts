import {
  aggregatedMetrics,
  aggregatesFromCounters,
  type CounterIncrement,
  type ExperimentAggregates,
  type LogSummaries,
  logSummariesFromCounters,
  sliceValues,
} from "@abkit/core";
import type { Db } from "./connection.js";
import type { Tables } from "./tables.js";
import type { Tx } from "./transactions.js";

/**
 * Adds a plan's increments to the `counters` table, (project, experiment, counter id) ->
 * number, in one statement. Rows go in a fixed order (by experiment, then counter id), so two
 * transactions adding to the same counters lock them in the same order and never deadlock;
 * `value + excluded.value` commutes, so concurrent batches need no other coordination.
 *
 * @example
 * await addCounters(tx, db.t, planLog(record));
 */
export async function addCounters(
  tx: Tx,
  t: Tables,
  increments: readonly CounterIncrement[],
): Promise<void> {
  if (increments.length === 0) return;
  const sorted = [...increments].sort(
    (a, b) =>
      compare(a.projectId, b.projectId) ||
      compare(a.experimentId, b.experimentId) ||
      compare(a.counter, b.counter),
  );
  await tx.query(
    `INSERT INTO ${t.counters} (project_id, experiment_id, counter, value)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[])
     ON CONFLICT (project_id, experiment_id, counter)
     DO UPDATE SET value = ${t.counters}.value + excluded.value`,
    [
      sorted.map((row) => row.projectId),
      sorted.map((row) => row.experimentId),
      sorted.map((row) => row.counter),
      sorted.map((row) => row.delta),
    ],
  );
}

/** An experiment's aggregates: every counter but the log summaries (`log/...`). */
export async function readAggregates(
  db: Db,
  projectId: string,
  experimentId: string,
): Promise<ExperimentAggregates> {
  const rows = await db.query<{ counter: string; value: number }>(
    `SELECT counter, value FROM ${db.t.counters}
     WHERE project_id = $1 AND experiment_id = $2 AND (counter < $3 OR counter >= $4)`,
    [projectId, experimentId, ...LOGS],
  );
  return aggregatesFromCounters(rows.map((row) => [row.counter, row.value]));
}

/** An experiment's log summaries: its `log/...` counters. */
export async function readLogSummaries(
  db: Db,
  projectId: string,
  experimentId: string,
): Promise<LogSummaries> {
  const rows = await db.query<{ counter: string; value: number }>(
    `SELECT counter, value FROM ${db.t.counters}
     WHERE project_id = $1 AND experiment_id = $2 AND counter >= $3 AND counter < $4`,
    [projectId, experimentId, ...LOGS],
  );
  return logSummariesFromCounters(rows.map((row) => [row.counter, row.value]));
}

/**
 * The metrics each experiment keeps aggregates of (for the undeclared-metric cap), from
 * its `metric/...` counter ids, in one statement.
 */
export async function readAggregatedMetrics(
  tx: Tx,
  t: Tables,
  projectId: string,
  experimentIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const byExperiment = new Map<string, string[]>(experimentIds.map((id) => [id, []]));
  if (experimentIds.length > 0) {
    const { rows } = await tx.query<{ experiment_id: string; counter: string }>(
      `SELECT experiment_id, counter FROM ${t.counters}
       WHERE project_id = $1 AND experiment_id = ANY($2::text[]) AND counter >= $3 AND counter < $4`,
      [projectId, experimentIds, ...METRICS],
    );
    for (const row of rows) byExperiment.get(row.experiment_id)?.push(row.counter);
  }
  return new Map([...byExperiment].map(([id, counters]) => [id, aggregatedMetrics(counters)]));
}

/**
 * The values an experiment keeps slices of, per dimension (for the cap on slices), from its
 * `sliceExposures/...` counter ids. Two writers at once may each add a value at the cap: it
 * bounds the slices, give or take the writers racing.
 */
export async function readSliceValues(
  tx: Tx,
  t: Tables,
  projectId: string,
  experimentIds: readonly string[],
): Promise<Map<string, Map<string, Set<string>>>> {
  const byExperiment = new Map<string, string[]>(experimentIds.map((id) => [id, []]));
  if (experimentIds.length > 0) {
    const { rows } = await tx.query<{ experiment_id: string; counter: string }>(
      `SELECT experiment_id, counter FROM ${t.counters}
       WHERE project_id = $1 AND experiment_id = ANY($2::text[]) AND counter >= $3 AND counter < $4`,
      [projectId, experimentIds, ...SLICE_EXPOSURES],
    );
    for (const row of rows) byExperiment.get(row.experiment_id)?.push(row.counter);
  }
  return new Map([...byExperiment].map(([id, counters]) => [id, sliceValues(counters)]));
}

/** Orders strings by UTF-16 code units: the same order in every process, for locking. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- Internal helpers ---

// A family's ids run from `<family>/` up to `<family>0`: "0" is the character after "/".
const LOGS = ["log/", "log0"] as const;
const METRICS = ["metric/", "metric0"] as const;
const SLICE_EXPOSURES = ["sliceExposures/", "sliceExposures0"] as const;
