import {
  type AssignmentRecord,
  checkAssignmentRecords,
  exposureDay,
  StoreUnavailableError,
} from "@abkit/core";
import { type ClientSession, ObjectId } from "mongodb";
import type { Collections } from "./collections.js";
import type { OpenStore } from "./connection.js";
import type { AssignmentBatchDoc, AssignmentDoc } from "./counterDocs.js";
import {
  type CounterUpdate,
  incrementOnce,
  insertIgnoringDuplicates,
  keyString,
  releaseToken,
} from "./guarded.js";
import type { AssignmentInfo } from "./productPlan.js";
import { beforeLease } from "./server.js";

/**
 * Assignments: the unique index on (project, experiment, entity) picks the first writer,
 * also across processes. Exposure counters (a variant's total and its count per UTC day, in
 * one document) are kept with `$inc`, made exactly-once by the guarded writes of
 * guarded.ts: a batch is journaled first (`assignment_batches`), each assignment it inserts
 * carries the batch's id, and the counters move once per batch token.
 * A batch cut short by a crash is finished by recovery, so counters never drift from the
 * assignments; reading them stays O(variants).
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
  await open.recover();
  // The first record of each (project, experiment, entity) is the batch's candidate.
  const candidates = new Map<string, AssignmentRecord>();
  for (const record of records) {
    const key = assignmentKey(record.projectId, record.experimentId, record.entityId);
    if (!candidates.has(key)) candidates.set(key, record);
  }
  const batch: AssignmentBatchDoc = {
    _id: new ObjectId(),
    state: "pending",
    lease: await open.clock.leaseUntil(),
    records: [...candidates.values()].map(
      ({ projectId, experimentId, entityId, variantKey, assignedAt, covariates }) => {
        const entries = Object.entries(covariates ?? {}).map(([name, value]) => ({ name, value }));
        return {
          projectId,
          experimentId,
          entityId,
          variantKey,
          assignedAt,
          ...(entries.length > 0 ? { covariates: entries } : {}),
        };
      },
    ),
  };
  await open.collections.assignmentBatches.insertOne(batch);
  const stored = await applyAssignmentBatch(open, batch);
  return records.map((record) => {
    const variant = stored.get(
      assignmentKey(record.projectId, record.experimentId, record.entityId),
    );
    if (variant === undefined) throw missing();
    return variant;
  });
}

/**
 * Applies a journaled assignment batch (a new one, or one recovery took over): inserts its
 * assignments, counts an exposure for each it inserted, then deletes the batch. Returns
 * the variant stored for each (project, experiment, entity) of the batch.
 */
export async function applyAssignmentBatch(
  open: OpenStore,
  batch: AssignmentBatchDoc,
): Promise<Map<string, string>> {
  const { assignments, assignmentBatches, exposures, covariates } = open.collections;
  const token = batch._id.toHexString();
  // Replays insert nothing new: whoever ran first inserted every record it could.
  await insertIgnoringDuplicates(
    assignments,
    batch.records.map((record): AssignmentDoc => ({ ...record, batchId: token })),
  );
  const stored = await readAssignments(assignments, batch.records);
  const counts = new Map<string, { key: Record<string, string>; inc: Record<string, number> }>();
  const covariateUpdates = new Map<string, CounterUpdate>();
  for (const record of batch.records) {
    const doc = stored.get(assignmentKey(record.projectId, record.experimentId, record.entityId));
    if (!doc) throw missing();
    if (doc.batchId !== token) continue;
    const key = {
      projectId: doc.projectId,
      experimentId: doc.experimentId,
      variantKey: doc.variantKey,
    };
    const id = keyString(key, ["projectId", "experimentId", "variantKey"]);
    const entry = counts.get(id) ?? { key, inc: {} };
    add(entry.inc, "count");
    // The day goes in the same guarded update as the total, so a replay moves neither.
    const day = exposureDay(doc.assignedAt);
    if (day !== null) add(entry.inc, `days.${day}`);
    counts.set(id, entry);
    // The stored document's covariates: the winner's, the same on every replay.
    for (const { name, value } of doc.covariates ?? []) {
      const covariateKey = { ...key, covariate: name };
      const covariateId = `${id}\u0000${name}`;
      const update = covariateUpdates.get(covariateId) ?? {
        key: covariateKey,
        inc: { entities: 0, sum: 0, sumSquares: 0 },
      };
      update.inc.entities! += 1;
      update.inc.sum! += value;
      update.inc.sumSquares! += value * value;
      covariateUpdates.set(covariateId, update);
    }
  }
  const updates = [...counts.values()];
  const covariateCounts = [...covariateUpdates.values()];
  const applied =
    (await incrementOnce(exposures, updates, token, batch.lease, { count: 0 })) &&
    (await incrementOnce(covariates, covariateCounts, token, batch.lease, ZERO_COVARIATE));
  // Committing is deleting the journal entry, while the lease still holds.
  const committed =
    applied &&
    (
      await assignmentBatches.deleteOne({
        _id: batch._id,
        lease: batch.lease,
        ...beforeLease(batch.lease),
      })
    ).deletedCount === 1;
  if (!committed) {
    // Lost to recovery; fine once recovery has committed it (the entry is gone).
    if ((await assignmentBatches.countDocuments({ _id: batch._id }, { limit: 1 })) > 0) {
      throw leaseLost();
    }
    return variantsOf(stored);
  }
  await Promise.all([
    releaseToken(
      exposures,
      updates.map((update) => update.key),
      token,
    ),
    releaseToken(
      covariates,
      covariateCounts.map((update) => update.key),
      token,
    ),
  ]);
  return variantsOf(stored);
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
 * The variants of `entityIds` in `experimentIds` of a project, as a lookup function (one
 * query; what the event paths attribute events with).
 */
export async function variantLookup(
  collections: Collections,
  projectId: string,
  experimentIds: readonly string[],
  entityIds: readonly string[],
  session?: ClientSession,
): Promise<(experimentId: string, entityId: string) => string | undefined> {
  const infoOf = await assignmentLookup(collections, projectId, experimentIds, entityIds, session);
  return (experimentId, entityId) => infoOf(experimentId, entityId)?.variantKey;
}

/** Like `variantLookup`, with the covariates kept with each assignment. */
export async function assignmentLookup(
  collections: Collections,
  projectId: string,
  experimentIds: readonly string[],
  entityIds: readonly string[],
  session?: ClientSession,
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
          projection: { experimentId: 1, entityId: 1, variantKey: 1, covariates: 1 },
          ...(session ? { session } : {}),
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

const ZERO_COVARIATE = { entities: 0, sum: 0, sumSquares: 0 };

function assignmentKey(projectId: string, experimentId: string, entityId: string): string {
  return `${projectId}\u0000${experimentId}\u0000${entityId}`;
}

// The stored assignment of every record, by assignmentKey (one query per experiment).
async function readAssignments(
  assignments: Collections["assignments"],
  records: AssignmentBatchDoc["records"],
): Promise<Map<string, AssignmentDoc>> {
  const groups = new Map<
    string,
    { projectId: string; experimentId: string; entityIds: string[] }
  >();
  for (const { projectId, experimentId, entityId } of records) {
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
      { projection: { _id: 0 } },
    )
    .toArray();
  return new Map(
    docs.map((doc) => [assignmentKey(doc.projectId, doc.experimentId, doc.entityId), doc]),
  );
}

// Field names here are fixed or generated (`days.YYYY-MM-DD`), never user input.
function add(inc: Record<string, number>, field: string): void {
  inc[field] = (inc[field] ?? 0) + 1;
}

function variantsOf(stored: Map<string, AssignmentDoc>): Map<string, string> {
  return new Map([...stored].map(([key, doc]) => [key, doc.variantKey]));
}

function missing(): StoreUnavailableError {
  return new StoreUnavailableError("mongodb", "an assignment just written could not be read back");
}

function leaseLost(): StoreUnavailableError {
  return new StoreUnavailableError(
    "mongodb",
    "the assignment batch outlived its lease before every write landed; recovery will complete it",
  );
}
