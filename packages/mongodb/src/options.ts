import { ValidationError } from "@abkit/core";
import { type Db, MongoClient, type MongoClientOptions } from "mongodb";

/** The database used when neither the URL path nor `dbName` names one. */
export const DEFAULT_DB_NAME = "abkit";
/** What every collection name starts with unless `collectionPrefix` says otherwise. */
export const DEFAULT_COLLECTION_PREFIX = "abkit_";

/**
 * Where the store keeps its data: a `mongodb://` or `mongodb+srv://` URL (the store then
 * owns its client), a `MongoClient` you manage, or a `Db` of one.
 */
export type MongodbStoreOptions = (
  | {
      /** `mongodb://host:27017/dbname?...` or `mongodb+srv://...`. */
      url: string;
      /** Overrides the database named in the URL path. Default: the path, else `abkit`. */
      dbName?: string;
    }
  | {
      /** A client you own: the store never closes it. */
      client: MongoClient;
      /** Default `abkit`. */
      dbName?: string;
    }
  | {
      /** A database handle of a client you own: the store never closes it. */
      db: Db;
    }
) & {
  /** Prepended to every collection name, so several apps can share a database. Default `abkit_`. */
  collectionPrefix?: string;
};

/** Options resolved into what the store opens. */
export interface StoreTarget {
  client: MongoClient;
  /** True when the store created the client, and so closes it. */
  owned: boolean;
  dbName: string;
  /** The handle given as `{ db }`, if it was. */
  db: Db | undefined;
  collectionPrefix: string;
}

const WHAT = "mongodb store options";

/**
 * Checks the options and makes the client for a URL (connecting happens later, on open).
 * Throws `ValidationError` naming the bad field.
 *
 * @example
 * resolveOptions({ url: "mongodb://127.0.0.1:27017/shop" }).dbName; // "shop"
 */
export function resolveOptions(options: MongodbStoreOptions): StoreTarget {
  if (typeof options !== "object" || options === null) {
    throw invalid([], "must be { url }, { client } or { db }");
  }
  const collectionPrefix = checkPrefix(options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX);
  if ("db" in options) {
    return {
      client: options.db.client,
      owned: false,
      dbName: options.db.databaseName,
      db: options.db,
      collectionPrefix,
    };
  }
  if ("client" in options) {
    if (!(options.client instanceof MongoClient)) {
      throw invalid(["client"], "must be a MongoClient");
    }
    const dbName = checkDbName(options.dbName ?? DEFAULT_DB_NAME, ["dbName"]);
    return { client: options.client, owned: false, dbName, db: undefined, collectionPrefix };
  }
  if (!("url" in options) || typeof options.url !== "string") {
    throw invalid([], "must be { url }, { client } or { db }");
  }
  const url = parseMongoUrl(options.url);
  const dbName =
    options.dbName !== undefined
      ? checkDbName(options.dbName, ["dbName"])
      : checkDbName(url.dbName ?? DEFAULT_DB_NAME, ["url"]);
  let client: MongoClient;
  try {
    client = new MongoClient(options.url, clientOptions(url.params));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(["url"], `"${redact(options.url)}" is not usable: ${reason}`);
  }
  return { client, owned: true, dbName, db: undefined, collectionPrefix };
}

/**
 * Splits a MongoDB URL into its database name (the path, percent-decoded; undefined when
 * empty) and its query parameters (names lower-cased). Throws `ValidationError` for anything
 * but a `mongodb://` or `mongodb+srv://` URL with a host.
 *
 * @example
 * parseMongoUrl("mongodb://a:1,b:2/shop?replicaSet=rs0").dbName; // "shop"
 */
export function parseMongoUrl(url: string): {
  dbName: string | undefined;
  params: Map<string, string>;
} {
  // Not WHATWG URL: a MongoDB URL may list several hosts ("a:1,b:2"), which URL rejects.
  const match =
    /^mongodb(?:\+srv)?:\/\/(?:[^@/?#]*@)?([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/i.exec(url);
  if (!match) {
    throw invalid(
      ["url"],
      `"${redact(url)}" is not a mongodb:// or mongodb+srv:// URL with a host`,
    );
  }
  let dbName: string | undefined;
  try {
    dbName = match[2] ? decodeURIComponent(match[2]) : undefined;
  } catch {
    throw invalid(["url"], "the database name in the URL path is badly encoded");
  }
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(match[3] ?? ""))
    params.set(name.toLowerCase(), value);
  return { dbName, params };
}

// --- Internal helpers ---

// Durable by default: acknowledged by a majority and journaled. A URL that sets its own
// write concern keeps it (options given here would override the URL's).
function clientOptions(params: Map<string, string>): MongoClientOptions {
  const setsWriteConcern = ["w", "journal", "j", "wtimeoutms"].some((name) => params.has(name));
  return setsWriteConcern ? {} : { writeConcern: { w: "majority", journal: true } };
}

function checkDbName(name: string, path: PropertyKey[]): string {
  if (
    typeof name !== "string" ||
    name === "" ||
    Buffer.byteLength(name) > 63 ||
    /[/\\. "$*<>:|?\0]/.test(name)
  ) {
    throw invalid(
      path,
      `"${String(name)}" is not a MongoDB database name (1 to 63 bytes, none of / \\ . " $ * < > : | ? or spaces)`,
    );
  }
  return name;
}

function checkPrefix(prefix: string): string {
  if (
    typeof prefix !== "string" ||
    prefix.length > 40 ||
    /[$\0]/.test(prefix) ||
    prefix.startsWith("system.")
  ) {
    throw invalid(
      ["collectionPrefix"],
      "must be at most 40 characters, without $ or NUL, and not start with system.",
    );
  }
  return prefix;
}

function invalid(path: PropertyKey[], message: string): ValidationError {
  return ValidationError.field(path, message, WHAT);
}

// Never echo a password back in an error message.
function redact(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^@/?#]*@/i, "$1***@");
}
