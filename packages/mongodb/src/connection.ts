import { StoreUnavailableError } from "@abkit/core";
import type { Db, MongoClient } from "mongodb";
import { type Collections, collectionsOf, ensureIndexes } from "./collections.js";
import { toAbkitError } from "./errors.js";
import type { StoreTarget } from "./options.js";
import { checkTopology } from "./server.js";

/** A store once open: connected to a replica set or mongos, indexed. */
export interface OpenStore {
  client: MongoClient;
  db: Db;
  collections: Collections;
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

// A standalone server is refused before any index is created: nothing is written to it.
async function openStore(target: StoreTarget): Promise<OpenStore> {
  const { client, collectionPrefix } = target;
  if (target.owned) await client.connect();
  const db = target.db ?? client.db(target.dbName);
  await checkTopology(db);
  await ensureIndexes(db, { collectionPrefix });
  return { client, db, collections: collectionsOf(db, collectionPrefix) };
}
