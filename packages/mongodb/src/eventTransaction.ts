import type { ApplyEventsResult, EventRecord } from "@abkit/core";
import {
  type AnyBulkWriteOperation,
  type ClientSession,
  type Collection,
  type Document,
  ObjectId,
} from "mongodb";
import { assignmentLookup } from "./assignments.js";
import type { OpenStore } from "./connection.js";
import type { AggregateDoc, EntityDayTotalDoc, EntityTotalDoc } from "./counterDocs.js";
import { toEventEntry } from "./documents.js";
import {
  firstOfEachKey,
  planAggregates,
  planDayTotals,
  planTotals,
  sumOf,
  totalKey,
} from "./eventPlan.js";
import { planProducts } from "./productPlan.js";
import { inTransaction } from "./transactions.js";
import { cappedExperiments, capUndeclared, readMetricNames } from "./undeclaredCap.js";

/**
 * Event batches on a replica set (or mongos): the whole batch in one transaction. Keys
 * already claimed are read in the transaction's snapshot; the batch claims the rest, keeps
 * its events, moves the entity daily totals, the running totals and the aggregates; all
 * commit together or not at all. A concurrent batch touching the same documents makes one
 * of the two transactions run again (write conflict), now seeing the other's keys and totals.
 *
 * @example
 * await applyEventsInTransaction(open, "default", events); // { accepted, deduped }
 */
export async function applyEventsInTransaction(
  open: OpenStore,
  projectId: string,
  events: readonly EventRecord[],
): Promise<ApplyEventsResult> {
  return inTransaction(open, (session) => applyInSession(open, session, projectId, events));
}

// --- Internal helpers ---

async function applyInSession(
  open: OpenStore,
  session: ClientSession,
  projectId: string,
  events: readonly EventRecord[],
): Promise<ApplyEventsResult> {
  const {
    eventBatches,
    eventKeys,
    entityTotals,
    entityDayTotals,
    aggregates,
    covariateProducts,
    crossProducts,
  } = open.collections;
  const batchId = new ObjectId();
  const firsts = firstOfEachKey(events);
  const keys = firsts.flatMap((index) => events[index]!.idempotencyKey ?? []);
  const taken = new Set(
    keys.length === 0
      ? []
      : (
          await eventKeys
            .find({ projectId, key: { $in: keys } }, { session, projection: { key: 1 } })
            .toArray()
        ).map((doc) => doc.key),
  );
  const accepted = firsts.filter((index) => {
    const key = events[index]!.idempotencyKey;
    return key === null || !taken.has(key);
  });
  const newKeys = keys.filter((key) => !taken.has(key));
  if (newKeys.length > 0) {
    await eventKeys.insertMany(
      newKeys.map((key) => ({ projectId, key, batchId: batchId.toHexString() })),
      { session },
    );
  }
  const kept = new Set(accepted);
  await eventBatches.insertOne(
    {
      _id: batchId,
      projectId,
      events: events.map(toEventEntry),
      deduped: events.flatMap((_, index) => (kept.has(index) ? [] : [index])),
    },
    { session },
  );

  const acceptedEvents = accepted.map((index) => toEventEntry(events[index]!));
  // Assigned or not, every accepted event counts on its entity's day.
  const dayTotals = planDayTotals(projectId, acceptedEvents);
  if (dayTotals.length > 0) {
    await entityDayTotals.bulkWrite(
      dayTotals.map(({ key, inc }) => ({
        updateOne: {
          filter: key,
          update: { $inc: inc },
          upsert: true,
        },
      })) as AnyBulkWriteOperation<EntityDayTotalDoc>[],
      { session },
    );
  }
  const infoOf = await assignmentLookup(
    open.collections,
    projectId,
    acceptedEvents.flatMap((event) => event.experimentIds),
    acceptedEvents.map((event) => event.entityId),
    session,
  );
  // Metrics an experiment does not declare start aggregates there only below the cap.
  const known = await readMetricNames(
    open.collections,
    projectId,
    cappedExperiments(acceptedEvents),
    session,
  );
  const counted = capUndeclared(acceptedEvents, known, (e, u) => infoOf(e, u) !== undefined);
  const totals = planTotals(counted, (e, u) => infoOf(e, u)?.variantKey);
  if (totals.length > 0) {
    const current = await entityTotals
      .find(
        {
          projectId,
          experimentId: { $in: [...new Set(totals.map((t) => t.experimentId))] },
          metricName: { $in: [...new Set(totals.map((t) => t.metricName))] },
          entityId: { $in: [...new Set(totals.map((t) => t.entityId))] },
        },
        { session, projection: { experimentId: 1, metricName: 1, entityId: 1, sum: 1, events: 1 } },
      )
      .toArray();
    const befores = new Map(
      current.map((doc) => [totalKey(doc.experimentId, doc.metricName, doc.entityId), doc]),
    );
    // Every total read above is written below: a concurrent change to one is a write conflict.
    await entityTotals.bulkWrite(
      totals.map((total) => ({
        updateOne: {
          filter: {
            projectId,
            experimentId: total.experimentId,
            metricName: total.metricName,
            entityId: total.entityId,
          },
          update: { $inc: { sum: sumOf(total.values), events: total.values.length } },
          upsert: true,
        },
      })) as AnyBulkWriteOperation<EntityTotalDoc>[],
      { session },
    );
    const planned = planAggregates(
      totals,
      (t) =>
        befores.get(totalKey(t.experimentId, t.metricName, t.entityId)) ?? { sum: 0, events: 0 },
    );
    await aggregates.bulkWrite(
      planned.map(({ experimentId, metricName, variantKey, ...inc }) => ({
        updateOne: {
          filter: { projectId, experimentId, metricName, variantKey },
          update: { $inc: inc },
          upsert: true,
        },
      })) as AnyBulkWriteOperation<AggregateDoc>[],
      { session },
    );
    const products = planProducts(
      projectId,
      counted,
      infoOf,
      (key) => befores.get(key) ?? { sum: 0, events: 0 },
    );
    for (const [collection, counters] of [
      [covariateProducts, products.covariateProducts],
      [crossProducts, products.crossProducts],
    ] as const) {
      if (counters.length === 0) continue;
      await (collection as unknown as Collection<Document>).bulkWrite(
        counters.map(({ key, inc }) => ({
          updateOne: {
            filter: key,
            update: { $inc: inc },
            upsert: true,
          },
        })),
        { session },
      );
    }
  }
  return { accepted: accepted.length, deduped: events.length - accepted.length };
}
