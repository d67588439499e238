import type { Collection, Document } from "mongodb";
import type { GuardedDoc } from "./counterDocs.js";
import { isDuplicateKey } from "./errors.js";
import { beforeLease } from "./server.js";

/**
 * Counters that a retried or recovered batch can never count twice, without transactions.
 * Each counter document carries `pending`: the tokens of the batches applied to it whose
 * clean-up is not done. An increment is guarded by `pending: { $ne: token }` and pushes the
 * token in the same single-document update, so a replay is a no-op; it is also fenced by
 * the batch's lease (`beforeLease`), so an applier that lost its batch to recovery cannot
 * land a late write after recovery finished and removed the token.
 */

/** One counter document (named by its unique fields) and what to add to it. */
export interface CounterUpdate {
  key: Document;
  inc: Record<string, number>;
}

/**
 * Creates the documents named by `keys` if missing, with `init` (upserts on the unique
 * fields; a concurrent creator winning the race is fine).
 *
 * @example
 * await ensureDocs(exposures, [{ projectId, experimentId, variantKey }], { count: 0 });
 */
export async function ensureDocs<T extends Document>(
  collection: Collection<T>,
  keys: Document[],
  init: Document,
): Promise<void> {
  if (keys.length === 0) return;
  const operations = keys.map((key) => ({
    updateOne: { filter: key, update: { $setOnInsert: { ...init, pending: [] } }, upsert: true },
  }));
  try {
    await untyped(collection).bulkWrite(operations, { ordered: false });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * Applies each update once for `token`, while `lease` holds. Returns false when some
 * document has not got the token: the lease ran out before every write landed.
 *
 * @example
 * const done = await incrementOnce(aggregates, updates, batchId, lease, ZERO_AGGREGATE);
 */
export async function incrementOnce<T extends GuardedDoc & Document>(
  collection: Collection<T>,
  updates: CounterUpdate[],
  token: string,
  lease: Date,
  init: Document,
): Promise<boolean> {
  if (updates.length === 0) return true;
  await ensureDocs(
    collection,
    updates.map((update) => update.key),
    init,
  );
  const operations = updates.map(({ key, inc }) => ({
    updateOne: {
      filter: { ...key, pending: { $ne: token }, ...beforeLease(lease) },
      update: { $inc: inc, $push: { pending: token } } as Document,
    },
  }));
  const result = await untyped(collection).bulkWrite(operations, { ordered: false });
  if (result.matchedCount === updates.length) return true;
  // Some did not match: applied before (a replay), or fenced out (lease lost). Look.
  const docs = await untyped(collection)
    .find(
      { $or: updates.map((update) => update.key) },
      {
        projection: { pending: 1, ...Object.fromEntries(keyFields(updates).map((f) => [f, 1])) },
      },
    )
    .toArray();
  const fields = keyFields(updates);
  const holding = new Set(
    docs.filter((doc) => doc.pending?.includes(token)).map((doc) => keyString(doc, fields)),
  );
  return updates.every((update) => holding.has(keyString(update.key, fields)));
}

/** Removes `token` from the documents once its batch is committed (best effort clean-up). */
export async function releaseToken<T extends GuardedDoc & Document>(
  collection: Collection<T>,
  keys: Document[],
  token: string,
): Promise<void> {
  if (keys.length === 0) return;
  const operations = keys.map((key) => ({
    updateOne: { filter: key, update: { $pull: { pending: token } } as Document },
  }));
  await untyped(collection).bulkWrite(operations, { ordered: false });
}

/**
 * Inserts `docs`, skipping those a unique index already holds (another writer's, or this
 * batch's own from an earlier attempt). Any other failure is thrown.
 */
export async function insertIgnoringDuplicates<T extends Document>(
  collection: Collection<T>,
  docs: T[],
): Promise<void> {
  if (docs.length === 0) return;
  try {
    await untyped(collection).insertMany(docs, { ordered: false });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * A string naming a document by `fields`, for matching documents read back to the keys
 * they were written under.
 */
export function keyString(doc: Document, fields: readonly string[]): string {
  return fields.map((field) => String(doc[field])).join("\u0000");
}

// --- Internal helpers ---

// The helpers build filters from plain key documents, which the driver's schema-typed
// Filter<T> cannot express; they work on the untyped view of the same collection.
function untyped<T extends Document>(collection: Collection<T>): Collection<Document> {
  return collection as unknown as Collection<Document>;
}

function keyFields(updates: CounterUpdate[]): string[] {
  return Object.keys(updates[0]?.key ?? {});
}
