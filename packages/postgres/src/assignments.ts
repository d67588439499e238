import { type AssignmentRecord, type PlannedAssignment, planAssignments } from "@abkit/core";
import type { Db } from "./connection.js";
import { addCounters, compare, readSliceValues } from "./counters.js";
import type { Tables } from "./tables.js";
import type { Tx } from "./transactions.js";

/**
 * A `recordAssignments` call in one transaction: reads the variants stored for the records'
 * entities, lets the core's planner pick the inserts and their counters (exposures,
 * covariates), and inserts them with `ON CONFLICT DO NOTHING`. The primary key picks the
 * first writer across processes: an insert that meets a concurrent one waits for it to
 * commit, then does nothing. When some inserts lost that way, the winners (committed now)
 * are read and the call is planned again, so the counters added are those of the rows this
 * transaction really inserted and every record gets the variant that won.
 *
 * @example
 * await recordAssignments(db, records); // ["control", "treatment", ...]
 */
export function recordAssignments(db: Db, records: readonly AssignmentRecord[]): Promise<string[]> {
  if (records.length === 0) return Promise.resolve([]);
  const { t } = db;
  return db.transaction(async (tx) => {
    const stored = await readVariants(tx, t, records);
    const lookup = (projectId: string, experimentId: string, entityId: string) =>
      stored.get(keyOf({ projectId, experimentId, entityId }));
    const slices = await readKnownSlices(tx, t, records);
    const known = (projectId: string, experimentId: string) =>
      slices.get(projectId)?.get(experimentId) ?? new Map();
    let plan = planAssignments(records, lookup, known);
    const won = await insertAssignments(tx, t, plan.inserts);
    if (won.size < plan.inserts.length) {
      const lost = plan.inserts.filter((record) => !won.has(keyOf(record)));
      for (const [key, variant] of await readVariants(tx, t, lost)) stored.set(key, variant);
      plan = planAssignments(records, lookup, known);
      if (plan.inserts.length !== won.size) {
        throw new Error("postgres store: an assignment lost to another writer was not found");
      }
      await writeSlices(tx, t, plan.inserts);
    }
    await insertCovariates(tx, t, plan.inserts);
    await addCounters(tx, t, plan.counters);
    return plan.variants;
  });
}

/** The variant stored for (project, experiment, entity), or null. */
export async function getAssignment(
  db: Db,
  projectId: string,
  experimentId: string,
  entityId: string,
): Promise<string | null> {
  const rows = await db.query<{ variant_key: string }>(
    `SELECT variant_key FROM ${db.t.assignments}
     WHERE project_id = $1 AND experiment_id = $2 AND entity_id = $3`,
    [projectId, experimentId, entityId],
  );
  return rows[0]?.variant_key ?? null;
}

// --- Internal helpers ---

type EntityRef = Pick<AssignmentRecord, "projectId" | "experimentId" | "entityId">;

const keyOf = ({ projectId, experimentId, entityId }: EntityRef) =>
  `${projectId}\u0000${experimentId}\u0000${entityId}`;

const byEntity = (a: EntityRef, b: EntityRef) =>
  compare(a.projectId, b.projectId) ||
  compare(a.experimentId, b.experimentId) ||
  compare(a.entityId, b.entityId);

// The variants stored for these entities, by `keyOf`.
async function readVariants(
  tx: Tx,
  t: Tables,
  refs: readonly EntityRef[],
): Promise<Map<string, string>> {
  const { rows } = await tx.query<EntityRow & { variant_key: string }>(
    // LATERAL with LIMIT: one primary-key lookup per record, whatever the statistics say.
    `SELECT r.project_id, r.experiment_id, r.entity_id, a.variant_key
     FROM unnest($1::text[], $2::text[], $3::text[]) AS r(project_id, experiment_id, entity_id)
     CROSS JOIN LATERAL (
       SELECT variant_key FROM ${t.assignments}
       WHERE project_id = r.project_id AND experiment_id = r.experiment_id AND entity_id = r.entity_id
       LIMIT 1
     ) a`,
    columns(refs),
  );
  return new Map(rows.map((row) => [keyOf(fromRow(row)), row.variant_key]));
}

// Inserts the new assignments in entity order (two writers lock the same keys in the same
// order, so they wait for each other instead of deadlocking); returns the keys it inserted.
async function insertAssignments(
  tx: Tx,
  t: Tables,
  inserts: readonly PlannedAssignment[],
): Promise<Set<string>> {
  if (inserts.length === 0) return new Set();
  const sorted = [...inserts].sort(byEntity);
  const { rows } = await tx.query<EntityRow>(
    `INSERT INTO ${t.assignments} (project_id, experiment_id, entity_id, variant_key, assigned_at, slices)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
     ON CONFLICT DO NOTHING
     RETURNING project_id, experiment_id, entity_id`,
    [
      ...columns(sorted),
      sorted.map((record) => record.variantKey),
      sorted.map((record) => record.assignedAt),
      sorted.map((record) => (record.slices ? JSON.stringify(record.slices) : null)),
    ],
  );
  return new Set(rows.map((row) => keyOf(fromRow(row))));
}

// The values each experiment of the records keeps slices of, for those with dimensions.
async function readKnownSlices(
  tx: Tx,
  t: Tables,
  records: readonly AssignmentRecord[],
): Promise<Map<string, Map<string, Map<string, Set<string>>>>> {
  const experiments = new Map<string, Set<string>>();
  for (const { projectId, experimentId, dimensions } of records) {
    if (!dimensions) continue;
    experiments.set(projectId, (experiments.get(projectId) ?? new Set()).add(experimentId));
  }
  const known = new Map<string, Map<string, Map<string, Set<string>>>>();
  for (const [projectId, ids] of experiments) {
    known.set(projectId, await readSliceValues(tx, t, projectId, [...ids]));
  }
  return known;
}

// The slices of the assignments this transaction inserted, as the plan made again after a
// lost insert gave them (a value at the cap may have moved to or from `other`).
async function writeSlices(
  tx: Tx,
  t: Tables,
  inserts: readonly PlannedAssignment[],
): Promise<void> {
  const rows = inserts.filter((record) => record.slices);
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE ${t.assignments} a SET slices = r.slices::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       AS r(project_id, experiment_id, entity_id, slices)
     WHERE a.project_id = r.project_id AND a.experiment_id = r.experiment_id
       AND a.entity_id = r.entity_id`,
    [...columns(rows), rows.map((row) => JSON.stringify(row.slices))],
  );
}

// The covariates kept with the assignments this transaction inserted (rows only it writes).
async function insertCovariates(
  tx: Tx,
  t: Tables,
  inserts: readonly AssignmentRecord[],
): Promise<void> {
  const rows = inserts.flatMap((record) =>
    Object.entries(record.covariates ?? {}).map(([covariate, value]) => ({
      ...record,
      covariate,
      value,
    })),
  );
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ${t.assignmentCovariates} (project_id, experiment_id, entity_id, covariate, value)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[])`,
    [...columns(rows), rows.map((row) => row.covariate), rows.map((row) => row.value)],
  );
}

type EntityRow = { project_id: string; experiment_id: string; entity_id: string };

const fromRow = (row: EntityRow): EntityRef => ({
  projectId: row.project_id,
  experimentId: row.experiment_id,
  entityId: row.entity_id,
});

const columns = (refs: readonly EntityRef[]) => [
  refs.map((ref) => ref.projectId),
  refs.map((ref) => ref.experimentId),
  refs.map((ref) => ref.entityId),
];
