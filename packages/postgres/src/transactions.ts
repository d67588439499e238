import type pg from "pg";
import { isTransient } from "./errors.js";
import { preparing, type Queryable } from "./statements.js";

/** What a transaction's work runs its statements on: one pooled connection. */
export type Tx = Queryable;

/**
 * Runs `work` in one READ COMMITTED transaction on one pooled connection: COMMIT when it
 * returns, ROLLBACK when it throws. A transaction the server aborts as a deadlock or a
 * serialization failure (40P01, 40001) runs again, up to `maxAttempts` times in all, after
 * a short random pause; every other error is thrown as is. `prepare`: see `preparing`. A connection that failed is
 * destroyed, not returned to the pool.
 *
 * @example
 * const version = await inTransaction(pool, { maxAttempts: 5, prepare: true }, async (tx) => {
 *   const { rows } = await tx.query("UPDATE ... RETURNING version", [projectId]);
 *   return rows[0].version;
 * });
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  { maxAttempts, prepare }: { maxAttempts: number; prepare: boolean },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    // A checked-out client has no listener of its own: without one, a connection error
    // between two statements would be an unhandled `error` event.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
      const result = await work(preparing(client, prepare));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      broken ??= await rollback(client);
      if (!isTransient(error) || attempt >= maxAttempts) throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
    await pause(attempt);
  }
}

// --- Internal helpers ---

// ROLLBACK; the error when even that fails (the connection is gone: destroy it).
async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query("ROLLBACK");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

// Up to 5 ms, 10 ms, 20 ms... at random, so transactions that collided do not collide again.
function pause(attempt: number): Promise<void> {
  const ms = Math.random() * 5 * 2 ** Math.min(attempt - 1, 6);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
