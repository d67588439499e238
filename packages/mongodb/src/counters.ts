import { type AssignmentRecord, type CounterIncrement, sliceValues } from "@abkit/core";
import type { ClientSession, Collection, Document, Filter, UpdateFilter } from "mongodb";
import type { CounterDoc } from "./documents.js";

/**
 * Counter families by the first part of their `counterId` (core names them): log summaries
 * live beside the aggregates, and the undeclared-metric cap reads only metric counters.
 * An anchored prefix keeps each read on the (projectId, experimentId, counter) index.
 */
export const LOG_COUNTERS = /^log\//;
export const METRIC_COUNTERS = /^metric\//;
/** Slice exposures: the values an experiment keeps slices of, for the cap on slices. */
export const SLICE_EXPOSURE_COUNTERS = /^sliceExposures\//;

/**
 * Adds a plan's increments: one upserted `$inc` per counter, in one bulk write.
 *
 * @example
 * await addCounters(collections.counters, planLog(record), session);
 */
export function addCounters(
  counters: Collection<CounterDoc>,
  increments: readonly CounterIncrement[],
  session: ClientSession,
): Promise<void> {
  return upsertAll(
    counters,
    increments.map(({ projectId, experimentId, counter, delta }) => ({
      filter: { projectId, experimentId, counter },
      update: { $inc: { value: delta } },
    })),
    session,
  );
}

/**
 * The values each (project, experiment) of `records` with dimensions keeps slices of, read
 * in the transaction: `key(project, experiment)` -> dimension -> slice keys.
 */
export async function readSliceValues(
  counters: Collection<CounterDoc>,
  records: readonly AssignmentRecord[],
  session: ClientSession,
): Promise<Map<string, Map<string, Set<string>>>> {
  const pairs = new Map<string, { projectId: string; experimentId: string }>();
  for (const { projectId, experimentId, dimensions } of records) {
    if (dimensions) pairs.set(`${projectId}\u0000${experimentId}`, { projectId, experimentId });
  }
  const ids = new Map<string, string[]>([...pairs.keys()].map((pair) => [pair, []]));
  if (pairs.size > 0) {
    const docs = await counters
      .find(
        { $or: [...pairs.values()], counter: SLICE_EXPOSURE_COUNTERS },
        { projection: { _id: 0, projectId: 1, experimentId: 1, counter: 1 }, session },
      )
      .toArray();
    for (const doc of docs) ids.get(`${doc.projectId}\u0000${doc.experimentId}`)?.push(doc.counter);
  }
  return new Map([...ids].map(([pair, counterIds]) => [pair, sliceValues(counterIds)]));
}

/** Upserts one document per `{ filter, update }` in one bulk write (none for an empty list). */
export async function upsertAll<T extends Document>(
  collection: Collection<T>,
  writes: readonly { filter: Filter<T>; update: UpdateFilter<T> }[],
  session: ClientSession,
): Promise<void> {
  if (writes.length === 0) return;
  const operations = writes.map(({ filter, update }) => ({
    updateOne: { filter, update, upsert: true },
  }));
  await collection.bulkWrite(operations, { session });
}

/**
 * An experiment's counters as (id, value) pairs: its log summaries (`logs`), or every other
 * family (for `aggregatesFromCounters`).
 */
export async function readCounters(
  counters: Collection<CounterDoc>,
  projectId: string,
  experimentId: string,
  family: "aggregates" | "logs",
): Promise<[string, number][]> {
  const counter = family === "logs" ? LOG_COUNTERS : { $not: LOG_COUNTERS };
  const docs = await counters
    .find({ projectId, experimentId, counter }, { projection: { _id: 0, counter: 1, value: 1 } })
    .toArray();
  return docs.map((doc) => [doc.counter, doc.value]);
}
