import { StoreUnavailableError } from "@abkit/core";
import type Database from "better-sqlite3";
import { toAbkitError } from "./errors.js";

/** The open database and the guard every store method runs through. */
export interface Connection {
  db: Database.Database;
  /**
   * Runs `work` against the database: rejects once the store is closed, and turns SQLite's
   * errors into abkit errors. better-sqlite3 is synchronous, so `work` runs to completion
   * before any other call starts.
   */
  run<T>(work: () => T): Promise<T>;
  /** Runs `work` in a write transaction (BEGIN IMMEDIATE): all of it commits, or none. */
  write<T>(work: () => T): Promise<T>;
  readonly closed: boolean;
  close(): void;
}

export function createConnection(db: Database.Database, ownsDatabase: boolean): Connection {
  let closed = false;
  const run = async <T>(work: () => T): Promise<T> => {
    if (closed) throw new StoreUnavailableError("sqlite", "the store is closed");
    try {
      return work();
    } catch (error) {
      throw toAbkitError(error);
    }
  };
  return {
    db,
    run,
    // IMMEDIATE takes the write lock up front, so a transaction never fails halfway with
    // SQLITE_BUSY on upgrading a read lock; waiting for the lock obeys busy_timeout.
    write: (work) => run(() => db.transaction(work).immediate()),
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      if (ownsDatabase) db.close();
    },
  };
}
