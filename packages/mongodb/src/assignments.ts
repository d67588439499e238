import { type AssignmentRecord, checkAssignmentRecords, exposureDay } from "@abkit/core";
import type { AnyBulkWriteOperation, ClientSession } from "mongodb";
import type { Collections } from "./collections.js";
import type { OpenStore } from "./connection.js";
import type { AssignmentDoc, CovariateDoc, ExposureDoc } from "./counterDocs.js";
import type { AssignmentInfo, PlannedCounter } from "./productPlan.js";
import { inTransaction } from "./transactions.js";

/**
 * Assignments: the unique index on (project, experiment, entity) picks the first writer,
 * also across processes. Exposure counters (a variant's total and its count per UTC day, in
 * one document) and covariate sums move with `$inc` in the transaction that inserts the
 * assignments, so they never drift from them; reading them stays O(variants).
 */

/**
 * Records each assignment unless one exists; returns the stored variant of each, in order.
 *
 * @example
 * await recordAssignments(open, [{ projectId, experimentId, entityId: "u1", variantKey: "A", assignedAt }]);
 */
export async function recordAssignments(
  open: OpenStore,
  records: readonly AssignmentRecord[],
): Promise<string[]> {
  // Check every record before the first write: a bad call writes nothing.
  checkAssignmentRecords(records);
  if (records.length === 0) return [];
  // The first record of each (project, experiment, entity) is the batch's candidate.
  const candidates = new Map<string, AssignmentDoc>();
  for (const record of records) {
    const key = assignmentKey(record.projectId, record.experimentId, record.entityId);
    if (!candidates.has(key)) candidates.set(key, toAssignmentDoc(record));
  }
  const stored = await inTransaction(open, (session) =>
    insertInSession(open.collections, session, [...candidates.values()]),
  );
  return records.map(
    (record) => stored.get(assignmentKey(record.projectId, record.experimentId, record.entityId))!,
  );
}

/** The variant stored for (project, experiment, entity), or null. */
export async function getAssignment(
  open: OpenStore,
  projectId: string,
  experimentId: string,
  entityId: string,
): Promise<string | null> {
  const doc = await open.collections.assignments.findOne(
    { projectId, experimentId, entityId },
    { projection: { variantKey: 1 } },
  );
  return doc?.variantKey ?? null;
}

/**
 * The variants of `entityIds` in `experimentIds` of a project, with the covariates kept with
 * each assignment, as a lookup function (one query, in the event batch's transaction).
 */
export async function assignmentLookup(
  collections: Collections,
  projectId: string,
  experimentIds: readonly string[],
  entityIds: readonly string[],
  session: ClientSession,
): Promise<(experimentId: string, entityId: string) => AssignmentInfo | undefined> {
  const variants = new Map<string, AssignmentInfo>();
  if (experimentIds.length > 0 && entityIds.length > 0) {
    const docs = await collections.assignments
      .find(
        {
          projectId,
          experimentId: { $in: [...new Set(experimentIds)] },
          entityId: { $in: [...new Set(entityIds)] },
        },
        {
          session,
          projection: { experimentId: 1, entityId: 1, variantKey: 1, covariates: 1 },
        },
      )
      .toArray();
    for (const doc of docs) {
      variants.set(assignmentKey(projectId, doc.experimentId, doc.entityId), {
        variantKey: doc.variantKey,
        covariates: doc.covariates ?? [],
      });
    }
  }
  return (experimentId, entityId) => variants.get(assignmentKey(projectId, experimentId, entityId));
}

// --- Internal helpers ---

// Inserts the candidates no assignment exists for yet (read in the transaction's snapshot;
// one committed since makes the insert a duplicate key, and the transaction runs again) and
// counts their exposures and covariates. Returns the stored variant of every candidate.
async function insertInSession(
  collections: Collections,
  session: ClientSession,
  candidates: AssignmentDoc[],
): Promise<Map<string, string>> {
  const { assignments, exposures, covariates } = collections;
  const stored = await readVariants(assignments, candidates, session);
  const fresh = candidates.filter(
    (doc) => !stored.has(assignmentKey(doc.projectId, doc.experimentId, doc.entityId)),
  );
  if (fresh.length === 0) return stored;
  // Copies: the driver sets `_id` on what it inserts, and this may run again.
  await assignments.insertMany(
    fresh.map((doc) => ({ ...doc })),
    { session },
  );
  const exposureIncs = new Map<string, PlannedCounter>();
  const covariateIncs = new Map<string, PlannedCounter>();
  for (const doc of fresh) {
    stored.set(assignmentKey(doc.projectId, doc.experimentId, doc.entityId), doc.variantKey);
    const key = {
      projectId: doc.projectId,
      experimentId: doc.experimentId,
      variantKey: doc.variantKey,
    };
    const id = `${key.projectId}\u0000${key.experimentId}\u0000${key.variantKey}`;
    const exposure = exposureIncs.get(id) ?? { key, inc: {} };
    add(exposure.inc, "count", 1);
    const day = exposureDay(doc.assignedAt);
    if (day !== null) add(exposure.inc, `days.${day}`, 1);
    exposureIncs.set(id, exposure);
    for (const { name, value } of doc.covariates ?? []) {
      const covariateId = `${id}\u0000${name}`;
      const counter = covariateIncs.get(covariateId) ?? {
        key: { ...key, covariate: name },
        inc: {},
      };
      add(counter.inc, "entities", 1);
      add(counter.inc, "sum", value);
      add(counter.inc, "sumSquares", value * value);
      covariateIncs.set(covariateId, counter);
    }
  }
  await exposures.bulkWrite(
    [...exposureIncs.values()].map(({ key, inc }) => ({
      updateOne: { filter: key, update: { $inc: inc }, upsert: true },
    })) as AnyBulkWriteOperation<ExposureDoc>[],
    { session },
  );
  if (covariateIncs.size > 0) {
    await covariates.bulkWrite(
      [...covariateIncs.values()].map(({ key, inc }) => ({
        updateOne: { filter: key, update: { $inc: inc }, upsert: true },
      })) as AnyBulkWriteOperation<CovariateDoc>[],
      { session },
    );
  }
  return stored;
}

function toAssignmentDoc(record: AssignmentRecord): AssignmentDoc {
  const { projectId, experimentId, entityId, variantKey, assignedAt, covariates } = record;
  const entries = Object.entries(covariates ?? {}).map(([name, value]) => ({ name, value }));
  return {
    projectId,
    experimentId,
    entityId,
    variantKey,
    assignedAt,
    ...(entries.length > 0 ? { covariates: entries } : {}),
  };
}

function assignmentKey(projectId: string, experimentId: string, entityId: string): string {
  return `${projectId}\u0000${experimentId}\u0000${entityId}`;
}

// The stored variant of every candidate that has one, by assignmentKey (one query).
async function readVariants(
  assignments: Collections["assignments"],
  candidates: AssignmentDoc[],
  session: ClientSession,
): Promise<Map<string, string>> {
  const groups = new Map<
    string,
    { projectId: string; experimentId: string; entityIds: string[] }
  >();
  for (const { projectId, experimentId, entityId } of candidates) {
    const id = `${projectId}\u0000${experimentId}`;
    const group = groups.get(id) ?? { projectId, experimentId, entityIds: [] };
    group.entityIds.push(entityId);
    groups.set(id, group);
  }
  const docs = await assignments
    .find(
      {
        $or: [...groups.values()].map(({ projectId, experimentId, entityIds }) => ({
          projectId,
          experimentId,
          entityId: { $in: entityIds },
        })),
      },
      {
        session,
        projection: { _id: 0, projectId: 1, experimentId: 1, entityId: 1, variantKey: 1 },
      },
    )
    .toArray();
  return new Map(
    docs.map((doc) => [
      assignmentKey(doc.projectId, doc.experimentId, doc.entityId),
      doc.variantKey,
    ]),
  );
}

// Field names here are fixed or generated (`days.YYYY-MM-DD`), never user input.
function add(inc: Record<string, number>, field: string, by: number): void {
  inc[field] = (inc[field] ?? 0) + by;
}
