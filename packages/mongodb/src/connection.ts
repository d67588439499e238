import { StoreUnavailableError } from "@abkit/core";
import type { Db, MongoClient } from "mongodb";
import { type Collections, collectionsOf, ensureIndexes } from "./collections.js";
import { LAYOUT_VERSION, migrateLayout, readLayout } from "./layout.js";
import type { StoreTarget } from "./options.js";
import { checkTopology } from "./server.js";

/** A store once open: connected to a replica set or mongos, indexed, at the current layout. */
export interface OpenStore {
  client: MongoClient;
  db: Db;
  collections: Collections;
}

/** The open store behind a `mongodbStore`. */
export interface Connection {
  /** Runs `work` once the store is open (each call after a failed opening tries again). */
  run<T>(work: (open: OpenStore) => Promise<T>): Promise<T>;
  /** Closes the client if the store created it. */
  close(): Promise<void>;
}

/** Starts opening the store in the background; every method awaits the same opening. */
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
  return {
    async run(work) {
      const open = await ready();
      // A call that waited for the opening while the store closed must not use the client
      // (the driver would connect it again).
      if (closed) throw new StoreUnavailableError("mongodb", "the store is closed");
      return work(open);
    },
    async close() {
      closed = true;
      if (target.owned) await target.client.close();
    },
  };
}

// --- Internal helpers ---

// A standalone server, or a database a newer version laid out, is refused before any index
// is created: nothing is written to it.
async function openStore(target: StoreTarget): Promise<OpenStore> {
  const { client, collectionPrefix } = target;
  if (target.owned) await client.connect();
  const db = target.db ?? client.db(target.dbName);
  await checkTopology(db);
  const open = { client, db, collections: collectionsOf(db, collectionPrefix) };
  const layout = await readLayout(open.collections.meta);
  await ensureIndexes(db, { collectionPrefix });
  if (layout < LAYOUT_VERSION) await migrateLayout(open, collectionPrefix);
  return open;
}
