import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { AbkitError, parseStoreUrl, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { redisStore } from "@abkit/redis";
import { sqliteStore } from "@abkit/sqlite";

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /**
   * Prefix of every Redis key (`abkit:` by default), on one server or a cluster; give each
   * app or test its own.
   */
  redisPrefix?: string;
  /**
   * Refuse a store that does not exist yet instead of creating it (for commands that only
   * read): an SQLite file that is missing is `not_found`, and nothing is created.
   */
  mustExist?: boolean;
}

/**
 * Opens the store a store URL names: `memory:`, `sqlite:./path.db`, `redis://host:6379/0`,
 * `redis-cluster://host:7000,host:7001/`, `postgres://user@host/db`, `mongodb://host/db`.
 * PostgreSQL and MongoDB need the optional `@abkit/postgres` and `@abkit/mongodb` packages
 * installed beside the CLI. The caller closes the store.
 *
 * @example
 * const store = await openStore(process.env.ABKIT_STORE ?? "sqlite:./abkit.db");
 * try {
 *   console.log(await store.listApiKeys("default"));
 * } finally {
 *   await store.close();
 * }
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  switch (location.kind) {
    case "memory":
      return memoryStore();
    case "sqlite":
      if (options.mustExist) checkSqliteFile(location.path);
      return sqliteStore({ path: location.path });
    case "redis":
    case "redis-cluster":
      return redisStore(
        options.redisPrefix === undefined
          ? { url: location.url }
          : { url: location.url, prefix: options.redisPrefix },
      );
    case "mongodb": {
      const { mongodbStore } = await importMongodb();
      return mongodbStore({ url: location.url });
    }
    case "postgres": {
      const { postgresStore } = await importPostgres();
      return postgresStore({ url: location.url });
    }
  }
}

/**
 * A store URL fit to print: the password of `redis://` and `mongodb://` URLs is masked.
 *
 * @example
 * displayStoreUrl("redis://:secret@cache:6379/0"); // "redis://:***@cache:6379/0"
 */
export function displayStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

// --- Internal helpers ---

/** Opening a missing file would create it (and its folders): refused for read-only commands. */
function checkSqliteFile(path: string): void {
  if (path === ":memory:" || existsSync(path)) return;
  throw new AbkitError(
    "not_found",
    `no SQLite file at ${resolve(path)}: check --store or ABKIT_STORE ` +
      "(abkit keys create or abkit serve create a new store)",
    { details: { kind: "sqlite file", key: path } },
  );
}

const MONGODB_PACKAGE = "@abkit/mongodb";

interface MongodbModule {
  mongodbStore(options: { url: string }): Store;
}

function importMongodb(): Promise<MongodbModule> {
  return importStorePackage<MongodbModule>(MONGODB_PACKAGE, "mongodbStore", "mongodb://");
}

const POSTGRES_PACKAGE = "@abkit/postgres";

interface PostgresModule {
  postgresStore(connection: { url: string }): Store;
}

function importPostgres(): Promise<PostgresModule> {
  return importStorePackage<PostgresModule>(POSTGRES_PACKAGE, "postgresStore", "postgres://");
}

// An optional store package beside the CLI, loaded when a URL names its store: a missing
// one, one that fails to load, and one without the factory each say so.
async function importStorePackage<M>(
  packageName: string,
  factory: string,
  scheme: string,
): Promise<M> {
  const require = createRequire(import.meta.url);
  try {
    // Resolve first, so a missing package is told apart from a broken one by what failed.
    require.resolve(`${packageName}/package.json`);
  } catch (cause) {
    throw new AbkitError(
      "store_unavailable",
      `${scheme} store URLs need the ${packageName} package: npm install ${packageName}`,
      { cause, details: { package: packageName } },
    );
  }
  // A variable specifier: the package is an optional peer the type checker may not see.
  const specifier: string = packageName;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new AbkitError("store_unavailable", `${packageName} failed to load: ${reason}`, {
      cause,
      details: { package: packageName },
    });
  }
  if (typeof module[factory] !== "function") {
    throw new AbkitError(
      "store_unavailable",
      `${packageName} is installed but exports no ${factory}(); update it to match @abkit/cli`,
    );
  }
  return module as M;
}
