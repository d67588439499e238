import type { ClientSession } from "mongodb";
import type { OpenStore } from "./connection.js";
import { isDuplicateKey } from "./errors.js";

/** How many times a transaction is run again after a duplicate key from a concurrent commit. */
const DUPLICATE_KEY_ATTEMPTS = 5;

/**
 * Runs `work` in one multi-document transaction (replica sets and mongos) with snapshot
 * reads. `session.withTransaction` already retries on `TransientTransactionError` (write
 * conflicts with a concurrent transaction) and on an unknown commit result. A duplicate key
 * is not transient, but when a concurrent transaction committed the same key after this
 * one's snapshot was taken, running again on a new snapshot sees that key and takes the
 * other path (a duplicate event, an existing document): so it is retried a few times too.
 * `work` must let every driver error propagate (never swallow one: the server has aborted
 * the transaction) and may run several times.
 *
 * @example
 * const version = await inTransaction(open, (session) =>
 *   versions.findOneAndUpdate({ _id: projectId }, { $inc: { version: 1 } }, { session }),
 * );
 */
export async function inTransaction<T>(
  open: OpenStore,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const session = open.client.startSession();
    try {
      return await session.withTransaction(() => work(session), {
        readConcern: { level: "snapshot" },
      });
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= DUPLICATE_KEY_ATTEMPTS) throw error;
    } finally {
      await session.endSession();
    }
  }
}
