import { defineStore, type Store } from "@abkit/core";
import { accountMethods } from "./accounts.js";
import { createConnection } from "./connection.js";
import { definitionMethods } from "./definitions.js";
import { toAbkitError } from "./errors.js";
import { eventMethods } from "./events.js";
import { logMethods } from "./logs.js";
import { type MongodbStoreOptions, resolveOptions } from "./options.js";

/**
 * A `Store` on MongoDB through the official driver: many app instances share one database.
 * The factory is synchronous; opening (connect, `hello`, `ensureIndexes`, the layout check)
 * starts at once in the background and every method waits for it, so a server that cannot
 * be reached makes each call reject with `store_unavailable` (and the next call tries
 * again). Every write is one multi-document transaction, so the server must be a replica
 * set (one node is enough) or a mongos: a standalone server is refused at open with
 * `store_unavailable` naming the fix. `close()` closes the client only if the store created it.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { mongodbStore } from "@abkit/mongodb";
 *
 * const store = mongodbStore({ url: "mongodb://127.0.0.1:27017/abkit?replicaSet=rs0" });
 * const abkit = createAbkit({ store });
 *
 * @example
 * // A client you already have (the store never closes it):
 * const store = mongodbStore({ client, dbName: "abkit", collectionPrefix: "ab_" });
 */
export function mongodbStore(options: MongodbStoreOptions): Store {
  const connection = createConnection(resolveOptions(options));
  return defineStore({
    name: "mongodb",
    capabilities: { crossProcess: true, durable: true },
    methods: {
      ...definitionMethods(connection),
      ...eventMethods(connection),
      ...logMethods(connection),
      ...accountMethods(connection),
    },
    close: () => connection.close(),
    toError: toAbkitError,
  });
}
