import {
  type ApplyEventsResult,
  aggregatedMetrics,
  type EventBatchState,
  type EventRecord,
  eventReads,
  planEvents,
} from "@abkit/core";
import type { ClientSession, Collection, Document, Filter } from "mongodb";
import type { OpenStore } from "./connection.js";
import { addCounters, METRIC_COUNTERS, upsertAll } from "./counters.js";
import { fromAssignmentDoc } from "./documents.js";
import { inTransaction } from "./transactions.js";

/**
 * An event batch in one transaction: reads in bulk what the planner may ask (`eventReads`:
 * seen idempotency keys, assignments, running totals, the metrics of experiments an event
 * does not declare its metric in), plans, then inserts the new keys, writes the running
 * totals' new values and adds the counters and daily totals. The keys' unique index dedups
 * repeats that arrive at once through other processes: a key committed after this
 * transaction's snapshot makes the insert fail and the transaction run again, where the
 * key is seen. A concurrent change to a total or counter read here is a write conflict,
 * retried the same way.
 *
 * @example
 * await applyEvents(open, "default", events); // { accepted, deduped }
 */
export function applyEvents(
  open: OpenStore,
  projectId: string,
  events: readonly EventRecord[],
): Promise<ApplyEventsResult> {
  if (events.length === 0) return Promise.resolve({ accepted: 0, deduped: 0 });
  return inTransaction(open, async (session) => {
    const plan = planEvents(projectId, events, await readState(open, projectId, events, session));
    const { eventKeys, entityTotals, entityDayTotals, counters } = open.collections;
    const keys = plan.acceptedEvents.flatMap((event) => event.idempotencyKey ?? []);
    if (keys.length > 0) {
      await eventKeys.insertMany(
        keys.map((key) => ({ projectId, key })),
        { session },
      );
    }
    const totals = plan.totals.map(({ experimentId, metricName, entityId, events, sum }) => ({
      filter: { projectId, experimentId, metricName, entityId },
      update: { $set: { events, sum } },
    }));
    await upsertAll(entityTotals, totals, session);
    await addCounters(counters, plan.counters, session);
    const days = plan.dayTotals.map(({ entityId, metricName, day, delta }) => ({
      filter: { projectId, entityId, metricName, day },
      update: { $inc: { total: delta } },
    }));
    await upsertAll(entityDayTotals, days, session);
    return { accepted: plan.accepted, deduped: plan.deduped };
  });
}

// --- Internal helpers ---

const key = (...parts: string[]) => parts.join("\u0000");
const unique = (values: string[]) => [...new Set(values)];

// Everything `eventReads` lists, one query per kind (none for an empty list; one after the
// other: a transaction runs one operation at a time), answered from maps. `$in` per field
// reads a superset of the pairs asked for.
async function readState(
  open: OpenStore,
  projectId: string,
  events: readonly EventRecord[],
  session: ClientSession,
): Promise<EventBatchState> {
  const { eventKeys, assignments, entityTotals, counters } = open.collections;
  const {
    idempotencyKeys,
    assignments: pairs,
    totals,
    experimentsWithUndeclared,
  } = eventReads(events);
  const find = <T extends Document>(
    collection: Collection<T>,
    asked: unknown[],
    filter: Filter<T>,
  ) =>
    asked.length === 0
      ? []
      : collection.find(filter, { session, projection: { _id: 0 } }).toArray();
  const seenKeys = await find(eventKeys, idempotencyKeys, {
    projectId,
    key: { $in: idempotencyKeys },
  });
  const assignmentDocs = await find(assignments, pairs, {
    projectId,
    experimentId: { $in: unique(pairs.map((a) => a.experimentId)) },
    entityId: { $in: unique(pairs.map((a) => a.entityId)) },
  });
  const totalDocs = await find(entityTotals, totals, {
    projectId,
    experimentId: { $in: unique(totals.map((t) => t.experimentId)) },
    metricName: { $in: unique(totals.map((t) => t.metricName)) },
    entityId: { $in: unique(totals.map((t) => t.entityId)) },
  });
  const metricCounters = await find(counters, experimentsWithUndeclared, {
    projectId,
    experimentId: { $in: experimentsWithUndeclared },
    counter: METRIC_COUNTERS,
  });
  const seen = new Set(seenKeys.map((doc) => doc.key));
  const assigned = new Map(
    assignmentDocs.map((doc) => [key(doc.experimentId, doc.entityId), fromAssignmentDoc(doc)]),
  );
  const running = new Map(
    totalDocs.map((d) => [
      key(d.experimentId, d.metricName, d.entityId),
      { events: d.events, sum: d.sum },
    ]),
  );
  return {
    seen: (idempotencyKey) => seen.has(idempotencyKey),
    assignment: (experimentId, entityId) => assigned.get(key(experimentId, entityId)),
    total: (experimentId, metricName, entityId) =>
      running.get(key(experimentId, metricName, entityId)),
    aggregatedMetrics: (experimentId) =>
      aggregatedMetrics(
        metricCounters.filter((doc) => doc.experimentId === experimentId).map((doc) => doc.counter),
      ),
  };
}
