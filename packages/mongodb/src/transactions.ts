import type { ClientSession } from "mongodb";
import type { OpenStore } from "./connection.js";
import { isDuplicateKey } from "./errors.js";

/** How many times a transaction is run again after a duplicate key from a concurrent commit. */
const DUPLICATE_KEY_ATTEMPTS = 5;

/**
 * Runs `work` in one multi-document transaction with snapshot reads.
 * `session.withTransaction` retries a `TransientTransactionError` (a write conflict with a
 * concurrent transaction) and an unknown commit result. A duplicate key is not transient,
 * but when another transaction committed the same key after this one's snapshot, running
 * again on a new snapshot sees it and takes the other path (a duplicate event, an existing
 * assignment): so it is retried a few times too. `work` may run several times and must let
 * driver errors propagate (the server has aborted the transaction).
 *
 * @example
 * const variants = await inTransaction(open, (session) => insertAssignments(session));
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
