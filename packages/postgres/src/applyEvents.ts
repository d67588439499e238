import {
  type ApplyEventsResult,
  type DayTotalIncrement,
  type EventBatchState,
  type EventRecord,
  eventReads,
  ownEntry,
  planEvents,
  type RunningTotal,
  type StoredAssignment,
  type TotalUpdate,
} from "@abkit/core";
import type { Db } from "./connection.js";
import { addCounters, compare, readAggregatedMetrics } from "./counters.js";
import type { Tables } from "./tables.js";
import type { Tx } from "./transactions.js";

/**
 * An event batch in one READ COMMITTED transaction. In this order, each step taking its row
 * locks in a fixed order so that concurrent batches wait for each other and never deadlock:
 *
 * 1. claims the batch's idempotency keys (`INSERT ... ON CONFLICT DO NOTHING RETURNING`):
 *    a key another transaction holds makes the insert wait until that one commits, then
 *    not return it, so a key is seen (the planner dedups it) exactly when it was claimed
 *    before, in this process or any other;
 * 2. reads the assignments (and covariates) the batch may need;
 * 3. locks the running totals of assigned entities the planner may read, creating missing
 *    ones at zero (an upsert that returns the current values), so that no other batch moves
 *    them until this one commits: their read-modify-write stays exact;
 * 4. reads the metrics of experiments where an event's metric is undeclared (for the cap);
 * 5. plans with the core's `planEvents`, then writes the new totals and adds the daily
 *    totals and counters (upserts that add: they commute, so they need no read).
 *
 * @example
 * await applyEvents(db, "default", events); // { accepted, deduped }
 */
export function applyEvents(
  db: Db,
  projectId: string,
  events: readonly EventRecord[],
): Promise<ApplyEventsResult> {
  if (events.length === 0) return Promise.resolve({ accepted: 0, deduped: 0 });
  const reads = eventReads(events);
  const { t } = db;
  return db.transaction(async (tx) => {
    const claimed = await claimKeys(tx, t, projectId, reads.idempotencyKeys);
    const assigned = await readAssignments(tx, t, projectId, reads.assignments);
    // The planner reads a running total only where the entity is assigned.
    const needed = reads.totals.filter((total) => assigned.has(pairKey(total)));
    const running = await lockTotals(tx, t, projectId, needed);
    const metrics = await readAggregatedMetrics(tx, t, projectId, reads.experimentsWithUndeclared);
    const state: EventBatchState = {
      seen: (key) => !claimed.has(key),
      assignment: (experimentId, entityId) => assigned.get(pairKey({ experimentId, entityId })),
      total(experimentId, metricName, entityId) {
        const total = running.get(totalKey({ experimentId, metricName, entityId }));
        // Reading less than the planner asks would count wrong: fail the batch instead.
        if (!total) throw new Error("postgres store: the planner asked for a total not read");
        return total;
      },
      aggregatedMetrics: (experimentId) => metrics.get(experimentId) ?? new Set(),
    };
    const plan = planEvents(projectId, events, state);
    await writeTotals(tx, t, projectId, plan.totals);
    await addDayTotals(tx, t, projectId, plan.dayTotals);
    await addCounters(tx, t, plan.counters);
    return { accepted: plan.accepted, deduped: plan.deduped };
  });
}

// --- Internal helpers ---

type TotalRef = { experimentId: string; metricName: string; entityId: string };

const pairKey = ({ experimentId, entityId }: { experimentId: string; entityId: string }) =>
  `${experimentId}\u0000${entityId}`;
const totalKey = ({ experimentId, metricName, entityId }: TotalRef) =>
  `${experimentId}\u0000${metricName}\u0000${entityId}`;
const byTotal = (a: TotalRef, b: TotalRef) =>
  compare(a.experimentId, b.experimentId) ||
  compare(a.metricName, b.metricName) ||
  compare(a.entityId, b.entityId);

// The keys this transaction claimed: those no transaction had claimed before it.
async function claimKeys(
  tx: Tx,
  t: Tables,
  projectId: string,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await tx.query<{ key: string }>(
    `INSERT INTO ${t.eventKeys} (project_id, key)
     SELECT $1::text, key FROM unnest($2::text[]) AS key
     ON CONFLICT DO NOTHING RETURNING key`,
    [projectId, [...keys].sort(compare)],
  );
  return new Set(rows.map((row) => row.key));
}

async function readAssignments(
  tx: Tx,
  t: Tables,
  projectId: string,
  pairs: readonly { experimentId: string; entityId: string }[],
): Promise<Map<string, StoredAssignment>> {
  const assigned = new Map<string, StoredAssignment>();
  if (pairs.length === 0) return assigned;
  // LATERAL with LIMIT: one primary-key lookup per pair, whatever the table statistics say
  // (a hash join over every assignment of the project costs more as soon as it grows).
  const { rows } = await tx.query<{
    experiment_id: string;
    entity_id: string;
    variant_key: string;
    slices: Record<string, string> | null;
    covariates: string[];
    values: number[];
  }>(
    `SELECT r.experiment_id, r.entity_id, a.variant_key, a.slices,
       ARRAY(SELECT c.covariate FROM ${t.assignmentCovariates} c
             WHERE c.project_id = $1 AND c.experiment_id = r.experiment_id
               AND c.entity_id = r.entity_id ORDER BY c.covariate) AS covariates,
       ARRAY(SELECT c.value FROM ${t.assignmentCovariates} c
             WHERE c.project_id = $1 AND c.experiment_id = r.experiment_id
               AND c.entity_id = r.entity_id ORDER BY c.covariate) AS values
     FROM unnest($2::text[], $3::text[]) AS r(experiment_id, entity_id)
     CROSS JOIN LATERAL (
       SELECT variant_key, slices FROM ${t.assignments}
       WHERE project_id = $1 AND experiment_id = r.experiment_id AND entity_id = r.entity_id
       LIMIT 1
     ) a`,
    [projectId, pairs.map((pair) => pair.experimentId), pairs.map((pair) => pair.entityId)],
  );
  for (const row of rows) {
    const key = pairKey({ experimentId: row.experiment_id, entityId: row.entity_id });
    const assignment: StoredAssignment = { variantKey: row.variant_key };
    if (row.slices) assignment.slices = ownRecord(row.slices);
    if (row.covariates.length > 0) {
      assignment.covariates = Object.fromEntries(
        row.covariates.map((name, i) => [name, row.values[i]!]),
      );
    }
    assigned.set(key, assignment);
  }
  return assigned;
}

// Locks the totals (in a fixed order), creating missing ones at zero; returns their values.
async function lockTotals(
  tx: Tx,
  t: Tables,
  projectId: string,
  refs: readonly TotalRef[],
): Promise<Map<string, RunningTotal>> {
  if (refs.length === 0) return new Map();
  const sorted = [...refs].sort(byTotal);
  const { rows } = await tx.query<{
    experiment_id: string;
    metric_name: string;
    entity_id: string;
    events: number;
    sum: number;
  }>(
    `INSERT INTO ${t.entityTotals} AS t (project_id, experiment_id, metric_name, entity_id, events, sum)
     SELECT $1::text, experiment_id, metric_name, entity_id, 0, 0
     FROM unnest($2::text[], $3::text[], $4::text[]) AS r(experiment_id, metric_name, entity_id)
     ON CONFLICT (project_id, experiment_id, metric_name, entity_id)
     DO UPDATE SET events = t.events
     RETURNING experiment_id, metric_name, entity_id, events::float8 AS events, sum`,
    [
      projectId,
      sorted.map((ref) => ref.experimentId),
      sorted.map((ref) => ref.metricName),
      sorted.map((ref) => ref.entityId),
    ],
  );
  return new Map(
    rows.map((row) => [
      totalKey({
        experimentId: row.experiment_id,
        metricName: row.metric_name,
        entityId: row.entity_id,
      }),
      { events: row.events, sum: row.sum },
    ]),
  );
}

// The plan's new running totals (rows this transaction holds locked).
async function writeTotals(
  tx: Tx,
  t: Tables,
  projectId: string,
  totals: readonly TotalUpdate[],
): Promise<void> {
  if (totals.length === 0) return;
  // An upsert rather than UPDATE ... FROM: its plan is the same at any table size.
  await tx.query(
    `INSERT INTO ${t.entityTotals} (project_id, experiment_id, metric_name, entity_id, events, sum)
     SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::float8[])
     ON CONFLICT (project_id, experiment_id, metric_name, entity_id)
     DO UPDATE SET events = excluded.events, sum = excluded.sum`,
    [
      projectId,
      totals.map((total) => total.experimentId),
      totals.map((total) => total.metricName),
      totals.map((total) => total.entityId),
      totals.map((total) => total.events),
      totals.map((total) => total.sum),
    ],
  );
}

async function addDayTotals(
  tx: Tx,
  t: Tables,
  projectId: string,
  dayTotals: readonly DayTotalIncrement[],
): Promise<void> {
  if (dayTotals.length === 0) return;
  const sorted = [...dayTotals].sort(
    (a, b) =>
      compare(a.entityId, b.entityId) ||
      compare(a.metricName, b.metricName) ||
      compare(a.day, b.day),
  );
  await tx.query(
    `INSERT INTO ${t.entityDayTotals} AS d (project_id, entity_id, metric_name, day, total)
     SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[])
     ON CONFLICT (project_id, entity_id, metric_name, day) DO UPDATE SET total = d.total + excluded.total`,
    [
      projectId,
      sorted.map((row) => row.entityId),
      sorted.map((row) => row.metricName),
      sorted.map((row) => row.day),
      sorted.map((row) => row.delta),
    ],
  );
}

// A JSON object read from the database as own keys only (a dimension may be `__proto__`).
function ownRecord(json: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) ownEntry(out, key, () => value);
  return out;
}
