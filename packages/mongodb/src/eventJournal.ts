import { type ApplyEventsResult, type EventRecord, StoreUnavailableError } from "@abkit/core";
import { type AnyBulkWriteOperation, type Document, ObjectId } from "mongodb";
import { assignmentLookup } from "./assignments.js";
import type { OpenStore } from "./connection.js";
import type { EntityTotalDoc } from "./counterDocs.js";
import { type EventBatchDoc, toEventEntry } from "./documents.js";
import {
  firstOfEachKey,
  type PlannedTotal,
  planAggregates,
  planDayTotals,
  planTotals,
  sumOf,
  type TotalBefore,
  totalKey,
} from "./eventPlan.js";
import { ensureDocs, incrementOnce, insertIgnoringDuplicates, releaseToken } from "./guarded.js";
import { planProducts } from "./productPlan.js";
import { beforeLease } from "./server.js";
import { cappedExperiments, capUndeclared, readMetricNames } from "./undeclaredCap.js";

/**
 * Event batches without transactions (standalone servers), exactly once and drift-free:
 *
 * 1. the batch is inserted as one document (`state: "pending"`, a lease): one atomic write,
 *    so it is recorded whole or not at all;
 * 2. it claims its idempotency keys (unique index; a key already claimed by another batch
 *    makes its event a duplicate, one claimed by this batch, on a replay, stays its own);
 * 3. each entity running total moves by one guarded update that also records the total
 *    *before* this batch in the document (`pending: [{ batch, sum, events }]`), atomically;
 * 4. the aggregates move by the deltas computed from those recorded totals, and every
 *    accepted event's entity daily total by its value, each guarded once per batch
 *    (guarded.ts);
 * 5. the batch is marked `applied` (the commit), then the tokens are cleaned up.
 *
 * Every step is idempotent and every counter write fenced by the lease, so a batch cut
 * short by a crash is finished by recovery (recovery.ts) from the same document, and a
 * retry never counts anything twice.
 */
export async function applyEventsJournaled(
  open: OpenStore,
  projectId: string,
  events: readonly EventRecord[],
): Promise<ApplyEventsResult> {
  const batch: EventBatchDoc = {
    _id: new ObjectId(),
    projectId,
    state: "pending",
    lease: await open.clock.leaseUntil(),
    events: events.map(toEventEntry),
  };
  await open.collections.eventBatches.insertOne(batch);
  return applyEventBatch(open, { ...batch, lease: batch.lease! });
}

/**
 * Applies a journaled batch (new, or taken over by recovery) while `batch.lease` holds.
 * Returns what it accepted and deduped (the same on every replay).
 */
export async function applyEventBatch(
  open: OpenStore,
  batch: EventBatchDoc & { lease: Date },
): Promise<ApplyEventsResult> {
  const {
    eventBatches,
    entityTotals,
    entityDayTotals,
    aggregates,
    covariateProducts,
    crossProducts,
  } = open.collections;
  const { projectId, events, lease } = batch;
  const token = batch._id.toHexString();

  const accepted = await claimKeys(open, batch, token);
  const acceptedEvents = accepted.map((index) => events[index]!);
  const infoOf = await assignmentLookup(
    open.collections,
    projectId,
    acceptedEvents.flatMap((event) => event.experimentIds),
    acceptedEvents.map((event) => event.entityId),
  );
  // Metrics an experiment does not declare start aggregates there only below the cap. A
  // replay reads the names again: a metric this batch admitted is known by then once its
  // aggregates exist, so it is admitted again.
  const known = await readMetricNames(
    open.collections,
    projectId,
    cappedExperiments(acceptedEvents),
  );
  const counted = capUndeclared(acceptedEvents, known, (e, u) => infoOf(e, u) !== undefined);
  // Partners' totals are in the plan too (no value): their totals before this batch are
  // recorded like the others', so a replay computes the same cross products.
  const totals = planTotals(counted, (e, u) => infoOf(e, u)?.variantKey);
  const totalKeys = totals.map((total) => totalFilter(projectId, total));
  await ensureDocs(entityTotals, totalKeys, { events: 0, sum: 0 });

  // Each total moves once, and keeps what it was before this batch, in one update.
  if (totals.length > 0) {
    await entityTotals.bulkWrite(
      totals.map((total) => ({
        updateOne: {
          filter: {
            ...totalFilter(projectId, total),
            "pending.batch": { $ne: token },
            ...beforeLease(lease),
          },
          update: totalUpdate(token, total),
        },
      })) as AnyBulkWriteOperation<EntityTotalDoc>[],
      { ordered: false },
    );
  }
  const befores = await readBefores(open, projectId, totals, token);
  const aggregateUpdates = befores
    ? planAggregates(totals, (total) => befores.get(keyOfTotal(total))!).map(
        ({ experimentId, metricName, variantKey, events: count, sum, sumSquares, entities }) => ({
          key: { projectId, experimentId, metricName, variantKey },
          inc: { events: count, sum, sumSquares, entities },
        }),
      )
    : [];
  const products = befores
    ? planProducts(projectId, counted, infoOf, (key) => befores.get(key)!)
    : { covariateProducts: [], crossProducts: [] };
  // Assigned or not, every accepted event counts on its entity's day (the same on a replay).
  const dayTotals = planDayTotals(projectId, acceptedEvents);
  const result = { accepted: accepted.length, deduped: events.length - accepted.length };
  const committed =
    befores !== undefined &&
    (await incrementOnce(aggregates, aggregateUpdates, token, lease, ZERO_AGGREGATE)) &&
    (await incrementOnce(
      covariateProducts,
      products.covariateProducts,
      token,
      lease,
      ZERO_COVARIATE_PRODUCT,
    )) &&
    (await incrementOnce(crossProducts, products.crossProducts, token, lease, { sum: 0 })) &&
    (await incrementOnce(entityDayTotals, dayTotals, token, lease, { total: 0 })) &&
    (
      await eventBatches.updateOne(
        { _id: batch._id, state: "pending", lease, ...beforeLease(lease) },
        {
          $set: { state: "applied", deduped: dedupedIndexes(events.length, accepted) },
          $unset: { lease: "" },
        },
      )
    ).matchedCount === 1;
  if (!committed) {
    // Lost to recovery: fine once recovery has applied it.
    const now = await eventBatches.findOne({ _id: batch._id }, { projection: { state: 1 } });
    if (now?.state !== "applied") throw leaseLost();
    return result;
  }
  await Promise.all([
    // (The driver refuses an empty bulkWrite: every call here is guarded.)
    totalKeys.length === 0
      ? undefined
      : entityTotals.bulkWrite(
          totalKeys.map((filter) => ({
            updateOne: { filter, update: { $pull: { pending: { batch: token } } } },
          })),
          { ordered: false },
        ),
    releaseToken(
      aggregates,
      aggregateUpdates.map((update) => update.key),
      token,
    ),
    releaseToken(
      covariateProducts,
      products.covariateProducts.map((update) => update.key),
      token,
    ),
    releaseToken(
      crossProducts,
      products.crossProducts.map((update) => update.key),
      token,
    ),
    releaseToken(
      entityDayTotals,
      dayTotals.map((update) => update.key),
      token,
    ),
  ]);
  return result;
}

/**
 * The update moving a running total by a batch's values, recording the total before it.
 * One `$set` stage reads every field as it was before the update.
 */
export function totalUpdate(token: string, total: PlannedTotal): Document[] {
  return [
    {
      $set: {
        pending: {
          $concatArrays: [
            { $ifNull: ["$pending", []] },
            [{ batch: { $literal: token }, sum: "$sum", events: "$events" }],
          ],
        },
        sum: { $add: ["$sum", { $literal: sumOf(total.values) }] },
        events: { $add: ["$events", { $literal: total.values.length }] },
      },
    },
  ];
}

// --- Internal helpers ---

// Claims the keys of the batch's first occurrences; returns the indexes of accepted events.
async function claimKeys(open: OpenStore, batch: EventBatchDoc, token: string): Promise<number[]> {
  const { eventKeys } = open.collections;
  const firsts = firstOfEachKey(batch.events);
  const keys = firsts.flatMap((index) => batch.events[index]!.idempotencyKey ?? []);
  if (keys.length === 0) return firsts;
  await insertIgnoringDuplicates(
    eventKeys,
    keys.map((key) => ({ projectId: batch.projectId, key, batchId: token })),
  );
  const owners = new Map(
    (
      await eventKeys
        .find(
          { projectId: batch.projectId, key: { $in: keys } },
          { projection: { key: 1, batchId: 1 } },
        )
        .toArray()
    ).map((doc) => [doc.key, doc.batchId]),
  );
  return firsts.filter((index) => {
    const key = batch.events[index]!.idempotencyKey;
    if (key === null) return true;
    const owner = owners.get(key);
    if (owner === undefined) {
      throw new StoreUnavailableError(
        "mongodb",
        "an idempotency key just claimed could not be read back",
      );
    }
    return owner === token;
  });
}

// The totals before this batch, as recorded in each total's pending entry; undefined when
// an entry is missing (the lease ran out before that update landed).
async function readBefores(
  open: OpenStore,
  projectId: string,
  totals: PlannedTotal[],
  token: string,
): Promise<Map<string, TotalBefore> | undefined> {
  const befores = new Map<string, TotalBefore>();
  if (totals.length === 0) return befores;
  const docs = await open.collections.entityTotals
    .find(
      {
        projectId,
        experimentId: { $in: [...new Set(totals.map((t) => t.experimentId))] },
        metricName: { $in: [...new Set(totals.map((t) => t.metricName))] },
        entityId: { $in: [...new Set(totals.map((t) => t.entityId))] },
      },
      { projection: { experimentId: 1, metricName: 1, entityId: 1, pending: 1 } },
    )
    .toArray();
  for (const doc of docs) {
    const entry = doc.pending?.find((pending) => pending.batch === token);
    if (entry) befores.set(keyOfTotal(doc), { sum: entry.sum, events: entry.events });
  }
  const complete = totals.every((total) => befores.has(keyOfTotal(total)));
  return complete ? befores : undefined;
}

const ZERO_AGGREGATE = { events: 0, sum: 0, sumSquares: 0, entities: 0 };
const ZERO_COVARIATE_PRODUCT = { sumXY: 0, sumXWithEvent: 0 };

function keyOfTotal(total: { experimentId: string; metricName: string; entityId: string }): string {
  return totalKey(total.experimentId, total.metricName, total.entityId);
}

function totalFilter(projectId: string, total: PlannedTotal) {
  return {
    projectId,
    experimentId: total.experimentId,
    metricName: total.metricName,
    entityId: total.entityId,
  };
}

function dedupedIndexes(length: number, accepted: number[]): number[] {
  const kept = new Set(accepted);
  return Array.from({ length }, (_, index) => index).filter((index) => !kept.has(index));
}

function leaseLost(): StoreUnavailableError {
  return new StoreUnavailableError(
    "mongodb",
    "the event batch outlived its lease before every write landed; recovery will complete it",
  );
}
