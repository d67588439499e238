import type Database from "better-sqlite3";

/**
 * `work` as a method each call of which is one write transaction: all of it commits, or none.
 * IMMEDIATE takes the write lock up front, so a transaction never fails halfway with
 * SQLITE_BUSY on upgrading a read lock; waiting for the lock obeys busy_timeout.
 */
export function writer<A extends unknown[], R>(db: Database.Database, work: (...args: A) => R) {
  const transaction = db.transaction(work);
  return async (...args: A): Promise<R> => transaction.immediate(...args);
}

/** `work` as a method each call of which reads one snapshot (a read transaction). */
export function reader<A extends unknown[], R>(db: Database.Database, work: (...args: A) => R) {
  const transaction = db.transaction(work);
  return async (...args: A): Promise<R> => transaction(...args);
}
