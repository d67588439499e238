import { StoreUnavailableError } from "@abkit/core";
import type pg from "pg";
import { migrate } from "./migrations.js";
import type { StoreTarget } from "./options.js";
import { preparing } from "./statements.js";
import { type Tables, tablesIn } from "./tables.js";
import { inTransaction, type Tx } from "./transactions.js";

/** What the store's methods work with once the schema is ready. */
export interface Db {
  /** The schema's tables, qualified for SQL text. */
  t: Tables;
  /** One statement outside a transaction (one snapshot), on any pooled connection. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** `work` in one READ COMMITTED transaction, run again after a deadlock (see `inTransaction`). */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/** The open store behind a `postgresStore`. */
export interface Connection {
  /** Runs `work` once the schema is migrated (each call after a failed opening tries again). */
  run<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** Ends the pool if the store created it. */
  close(): Promise<void>;
}

/**
 * Starts migrating the schema in the background; every method awaits the same opening. A
 * server that cannot be reached makes each call reject (`store_unavailable`) and the next
 * call try again.
 *
 * @example
 * const connection = createConnection(resolveOptions({ url }));
 * await connection.run((db) => db.query(`SELECT 1`));
 */
export function createConnection(target: StoreTarget): Connection {
  const { pool, schema } = target;
  const t = tablesIn(schema);
  const direct = preparing(pool, target.prepare);
  const db: Db = {
    t,
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
      (await direct.query<R>(text, values)).rows,
    transaction: (work) => inTransaction(pool, target, work),
  };
  let closed = false;
  let opening: Promise<void> | undefined;
  const ready = () => {
    opening ??= migrate(pool, t, schema).catch((error: unknown) => {
      opening = undefined; // the next call tries again
      throw error;
    });
    return opening;
  };
  // Open now; a failure surfaces on the next call, never as an unhandled rejection.
  ready().catch(() => {});
  return {
    async run(work) {
      await ready();
      if (closed) throw new StoreUnavailableError("postgres", "the store is closed");
      return work(db);
    },
    async close() {
      closed = true;
      if (target.owned) await pool.end();
    },
  };
}
