import { StoreUnavailableError } from "@abkit/core";
import type { Db, MongoClient } from "mongodb";
import { type Collections, collectionsOf, ensureIndexes } from "./collections.js";
import { toAbkitError } from "./errors.js";
import type { StoreTarget } from "./options.js";
import { recoverPending } from "./recovery.js";
import { createServerClock, describeServer, type ServerClock } from "./server.js";

/** How often (at most) a store looks for journal entries a crashed applier left behind. */
const RECOVERY_INTERVAL_MS = 5_000;

/** A store once open: connected, indexed, its deployment known. */
export interface OpenStore {
  client: MongoClient;
  db: Db;
  collections: Collections;
  /** A replica set or mongos: event batches and definition writes run in transactions. */
  transactions: boolean;
  clock: ServerClock;
  /**
   * Finishes what crashed appliers left pending (journal entries past their lease,
   * definition version bumps owed). Cheap: runs at most every few seconds per store.
   */
  recover(): Promise<void>;
}

/** The open store behind a `mongodbStore`, and the guard every method runs through. */
export interface Connection {
  /**
   * Runs `work` once the store is open: rejects with `store_unavailable` once closed or
   * when opening fails (each later call tries to open again), and turns driver errors
   * into abkit errors.
   */
  run<T>(work: (open: OpenStore) => Promise<T>): Promise<T>;
  /** Closes the client if the store created it; later calls reject. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts opening the store (connect, `hello`, `ensureIndexes`) in the background; the
 * factory stays synchronous and every method awaits the same opening.
 */
export function createConnection(target: StoreTarget): Connection {
  let closed = false;
  let opening: Promise<OpenStore> | undefined;
  const ready = (): Promise<OpenStore> => {
    opening ??= openStore(target).catch((error: unknown) => {
      opening = undefined; // the next call tries again
      throw error;
    });
    return opening;
  };
  // Connect now; a failure surfaces on the next call, never as an unhandled rejection.
  ready().catch(() => {});

  const closedError = () => new StoreUnavailableError("mongodb", "the store is closed");
  return {
    async run(work) {
      if (closed) throw closedError();
      try {
        const open = await ready();
        if (closed) throw closedError();
        return await work(open);
      } catch (error) {
        throw toAbkitError(error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (target.owned) await target.client.close();
    },
  };
}

// --- Internal helpers ---

async function openStore(target: StoreTarget): Promise<OpenStore> {
  const { client, collectionPrefix } = target;
  if (target.owned) await client.connect();
  const db = target.db ?? client.db(target.dbName);
  const server = await describeServer(db);
  await ensureIndexes(db, { collectionPrefix });
  const open: OpenStore = {
    client,
    db,
    collections: collectionsOf(db, collectionPrefix),
    transactions: server.transactions,
    clock: createServerClock(db, server.offsetMs),
    recover: () => Promise.resolve(),
  };
  open.recover = throttled(() => recoverPending(open), RECOVERY_INTERVAL_MS);
  return open;
}

// Runs `task` at most once per `intervalMs`; concurrent callers share a run in progress.
// A failed run is retried by the next caller.
function throttled(task: () => Promise<void>, intervalMs: number): () => Promise<void> {
  let lastRun = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | undefined;
  return () => {
    if (running) return running;
    if (Date.now() - lastRun < intervalMs) return Promise.resolve();
    lastRun = Date.now();
    running = task()
      .catch((error: unknown) => {
        lastRun = Number.NEGATIVE_INFINITY;
        throw error;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}
