import { parseInput, parseStoreUrl, ValidationError } from "@abkit/core";
import pg from "pg";
import * as z from "zod";

/** The schema every table lives in unless `schema` says otherwise. */
export const DEFAULT_SCHEMA = "abkit";

/**
 * Where the store keeps its data: a `postgres://` URL (the store then owns a pool and ends
 * it on close) or a `pg.Pool` you manage (never ended by the store).
 */
export type PostgresConnection =
  | {
      /**
       * `postgres://user:password@host:5432/database` (or `postgresql://`). A `schema`
       * query parameter (`?schema=shop_abkit`) sets the schema, as the option does: the
       * one way to name it where only a URL is given (the CLI, `ABKIT_STORE`).
       */
      url: string;
    }
  | {
      /** A pool you own: the store never ends it. Give it an `error` listener (see docs). */
      pool: pg.Pool;
    };

/** How the store uses the database (every field optional). */
export interface PostgresStoreOptions {
  /**
   * The PostgreSQL schema holding every table, so several apps can share one database.
   * A lowercase identifier; created on first open. Default `abkit`.
   */
  schema?: string;
  /**
   * How many times a transaction runs in all when the server aborts it as a deadlock or a
   * serialization failure (40P01, 40001) before the call fails. Default 5.
   */
  maxAttempts?: number;
  /**
   * Send each statement as a named prepared statement, parsed and planned once per
   * connection. Default true; set false behind a pooler in transaction mode that cannot
   * keep them (PgBouncer before 1.21, or without `max_prepared_statements`).
   */
  preparedStatements?: boolean;
  /** Connections in the pool the store creates from a URL. Default 10. */
  poolSize?: number;
  /** How long getting a connection of that pool may take before a call fails, in ms. Default 10000. */
  connectionTimeoutMs?: number;
  /** The server cancels a statement of that pool running longer than this, in ms (0: never). Default 30000. */
  statementTimeoutMs?: number;
}

/** Options resolved into what the store opens. */
export interface StoreTarget {
  pool: pg.Pool;
  /** True when the store created the pool, and so ends it. */
  owned: boolean;
  schema: string;
  maxAttempts: number;
  /** Whether statements are named prepared statements. */
  prepare: boolean;
}

const WHAT = "postgres store options";

/** A lowercase SQL identifier that needs no quoting and is not reserved for the system. */
const schemaName = z
  .string()
  .regex(
    /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/,
    "must be a lowercase identifier: a letter or _, then letters, digits or _ (at most 63), not starting with pg_",
  );

const optionsSchema = z.object({
  schema: schemaName.default(DEFAULT_SCHEMA),
  maxAttempts: z.number().int().min(1).max(100).default(5),
  preparedStatements: z.boolean().default(true),
  poolSize: z.number().int().min(1).max(1000).optional(),
  connectionTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  statementTimeoutMs: z.number().int().min(0).max(86_400_000).optional(),
});

const POOL_SETTINGS = ["poolSize", "connectionTimeoutMs", "statementTimeoutMs"] as const;

/**
 * Checks the connection and options (`ValidationError` naming the bad field) and makes the
 * pool for a URL. Connecting happens later, on the first call.
 *
 * @example
 * resolveOptions({ url: "postgres://postgres@127.0.0.1/app" }, { schema: "shop" }).schema; // "shop"
 */
export function resolveOptions(
  connection: PostgresConnection,
  options: PostgresStoreOptions = {},
): StoreTarget {
  const settings = parseInput(optionsSchema, options, WHAT);
  const { maxAttempts, preparedStatements: prepare } = settings;
  let { schema } = settings;
  if (typeof connection === "object" && connection !== null && "pool" in connection) {
    if (!isPool(connection.pool)) throw ValidationError.field(["pool"], "must be a pg Pool", WHAT);
    const given = POOL_SETTINGS.find((name) => settings[name] !== undefined);
    if (given) {
      throw ValidationError.field(
        [given],
        "applies only to the pool the store creates from { url }: set it on your pool",
        WHAT,
      );
    }
    return { pool: connection.pool, owned: false, schema, maxAttempts, prepare };
  }
  const url = (connection as { url?: unknown } | null)?.url;
  if (typeof url !== "string") throw ValidationError.field([], "must be { url } or { pool }", WHAT);
  checkUrl(url);
  const { connectionString, schema: fromUrl } = splitSchema(url);
  if (fromUrl !== undefined) {
    if (options.schema !== undefined && options.schema !== fromUrl) {
      throw ValidationError.field(
        ["schema"],
        `the URL names schema "${fromUrl}" and the options "${options.schema}": give one`,
        WHAT,
      );
    }
    schema = parseInput(z.object({ schema: schemaName }), { schema: fromUrl }, WHAT).schema;
  }
  const statementTimeoutMs = settings.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString,
    max: settings.poolSize ?? 10,
    connectionTimeoutMillis: settings.connectionTimeoutMs ?? 10_000,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
  });
  // An idle connection the server closes (a restart, a failover) is dropped from the pool;
  // without a listener its `error` event would end the process. The next call reconnects.
  pool.on("error", () => {});
  return { pool, owned: true, schema, maxAttempts, prepare };
}

/**
 * A URL fit to print: its password masked.
 *
 * @example
 * redactUrl("postgres://app:secret@db/abkit"); // "postgres://app:***@db/abkit"
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

// --- Internal helpers ---

// The URL without its `schema` parameter (node-postgres would not know it), and that schema.
function splitSchema(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schemas = parsed.searchParams.getAll("schema");
  if (schemas.length === 0) return { connectionString: url, schema: undefined };
  if (schemas.length > 1) {
    throw ValidationError.field(["url"], "schema= is given more than once", WHAT);
  }
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema: schemas[0] };
}

function isPool(value: unknown): value is pg.Pool {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { connect?: unknown }).connect === "function" &&
    typeof (value as { query?: unknown }).query === "function"
  );
}

function checkUrl(url: string): void {
  let kind: string;
  try {
    kind = parseStoreUrl(url).kind;
  } catch {
    kind = "unknown";
  }
  if (kind !== "postgres") {
    throw ValidationError.field(
      ["url"],
      `"${redactUrl(url)}" is not a postgres:// or postgresql:// URL`,
      WHAT,
    );
  }
  try {
    new URL(url);
  } catch {
    throw ValidationError.field(["url"], `"${redactUrl(url)}" is not a valid URL`, WHAT);
  }
}
