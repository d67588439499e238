import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { defineStore, parseInput, parseStoreUrl, type Store, ValidationError } from "@abkit/core";
import Database from "better-sqlite3";
import * as z from "zod";
import { accountMethods } from "./accounts.js";
import { countersTable } from "./counters.js";
import { definitionMethods } from "./definitions.js";
import { toAbkitError } from "./errors.js";
import { eventMethods } from "./events.js";
import { logMethods } from "./logs.js";
import { migrate } from "./migrations.js";

/** Where the database is: a file path, a `sqlite:` store URL, or a database you opened. */
export type SqliteStoreOptions = (
  | { path: string }
  | { url: string }
  | {
      /** An open better-sqlite3 database; the store sets its pragmas and does not close it. */
      database: Database.Database;
    }
) & {
  /** How long a write waits for another connection's lock before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * `NORMAL` (default): in WAL mode every committed transaction survives a crash of the
   * application; a power loss or OS crash may lose the last ones. `FULL`: also survives
   * power loss, at the cost of an fsync per transaction.
   */
  synchronous?: "NORMAL" | "FULL";
};

const tuningSchema = z.object({
  busyTimeoutMs: z.number().int().min(0).max(600_000).default(5000),
  synchronous: z.enum(["NORMAL", "FULL"]).default("NORMAL"),
});

/**
 * A `Store` on SQLite: the embedded, durable default. WAL mode lets readers work while one
 * writer commits; several processes may open the same file. Opening migrates the file to
 * the schema this version writes, and refuses a file written by a newer version.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { sqliteStore } from "@abkit/sqlite";
 *
 * const store = sqliteStore({ path: "./abkit.db" }); // or { url: "sqlite:./abkit.db" }
 * const abkit = createAbkit({ store });
 */
export function sqliteStore(options: SqliteStoreOptions): Store {
  const tuning = parseInput(tuningSchema, options, "sqlite store options");
  const { db, path, owned } = open(options);
  try {
    db.pragma(`busy_timeout = ${tuning.busyTimeoutMs}`);
    if (path !== ":memory:") db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${tuning.synchronous}`);
    migrate(db, path);
  } catch (error) {
    if (owned) db.close();
    throw error;
  }
  const counters = countersTable(db);
  return defineStore({
    name: "sqlite",
    capabilities: { crossProcess: path !== ":memory:", durable: path !== ":memory:" },
    methods: {
      ...definitionMethods(db),
      ...eventMethods(db, counters),
      ...logMethods(db, counters),
      ...accountMethods(db),
    },
    close: () => {
      if (owned) db.close();
    },
    toError: toAbkitError,
  });
}

// --- Internal helpers ---

// The database, its path (`:memory:` for an in-memory one) and whether the store closes it.
function open(options: SqliteStoreOptions) {
  if ("database" in options) {
    return { db: options.database, path: options.database.name, owned: false };
  }
  const path = "url" in options ? sqlitePath(options.url) : options.path;
  if (typeof path !== "string" || path === "") {
    throw ValidationError.field(["path"], "must be a file path", "sqlite store options");
  }
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return { db: new Database(path), path, owned: true };
}

function sqlitePath(url: string): string {
  const location = parseStoreUrl(url);
  if (location.kind !== "sqlite") {
    throw ValidationError.field(["url"], `"${url}" is not a sqlite: URL`, "sqlite store options");
  }
  return location.path;
}
