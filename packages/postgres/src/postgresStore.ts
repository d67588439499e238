import { defineStore, type Store } from "@abkit/core";
import { accountMethods } from "./accounts.js";
import { createConnection } from "./connection.js";
import { definitionMethods } from "./definitions.js";
import { toAbkitError } from "./errors.js";
import { eventMethods } from "./events.js";
import { logMethods } from "./logs.js";
import { type PostgresConnection, type PostgresStoreOptions, resolveOptions } from "./options.js";

/**
 * A `Store` on PostgreSQL through node-postgres: many app instances share one database.
 * Every write is one READ COMMITTED transaction on one pooled connection; row locks taken
 * in a fixed order make concurrent batches from any number of processes count each
 * idempotency key and assignment once. The factory is synchronous: opening (creating or
 * migrating the schema) starts at once in the background and every method waits for it,
 * so a server that cannot be reached makes each call reject with `store_unavailable` (and
 * the next call tries again). `close()` ends the pool only if the store created it.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { postgresStore } from "@abkit/postgres";
 *
 * const store = postgresStore({ url: "postgres://app@127.0.0.1:5432/app" });
 * const abkit = createAbkit({ store });
 *
 * @example
 * // A pool you already have (the store never ends it), tables in schema "shop_abkit":
 * const store = postgresStore({ pool }, { schema: "shop_abkit" });
 */
export function postgresStore(
  connection: PostgresConnection,
  options: PostgresStoreOptions = {},
): Store {
  const open = createConnection(resolveOptions(connection, options));
  return defineStore({
    name: "postgres",
    capabilities: { crossProcess: true, durable: true },
    methods: {
      ...definitionMethods(open),
      ...eventMethods(open),
      ...logMethods(open),
      ...accountMethods(open),
    },
    close: () => open.close(),
    toError: toAbkitError,
  });
}
