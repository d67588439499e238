import { ValidationError } from "./errors/ValidationError.js";

/** A store URL taken apart: which backend, and where. */
export type StoreLocation =
  | { kind: "memory" }
  | { kind: "sqlite"; path: string }
  | {
      kind: "redis";
      url: string /** The database index the URL selects (0 by default). */;
      database: number;
    }
  | {
      kind: "redis-cluster";
      url: string;
      /** The seed nodes: the client discovers the rest of the cluster from them. */
      nodes: { host: string; port: number }[];
      username?: string;
      password?: string;
    }
  | { kind: "postgres"; url: string }
  | { kind: "mongodb"; url: string };

/**
 * Parses a store URL of the convention used everywhere (CLI, examples, `ABKIT_STORE`):
 * `memory:`, `sqlite:./path.db` (relative to the working directory; `sqlite::memory:` for an
 * in-memory database), `redis://host:6379/0` (or `rediss://`), `redis-cluster://h:p,h:p/`
 * (seed nodes of a Redis Cluster), `postgres://user@host/db` (or `postgresql://`),
 * `mongodb://host/db` (or `mongodb+srv://`).
 *
 * @example
 * parseStoreUrl("sqlite:./abkit.db"); // { kind: "sqlite", path: "./abkit.db" }
 * parseStoreUrl("redis://127.0.0.1:6379/2"); // { kind: "redis", url: "redis://...", database: 2 }
 */
export function parseStoreUrl(url: string): StoreLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case "memory":
      return { kind: "memory" };
    case "sqlite": {
      const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
      if (path === "") throw invalid(url, "sqlite: needs a file path, e.g. sqlite:./abkit.db");
      return { kind: "sqlite", path };
    }
    case "redis":
    case "rediss":
      return { kind: "redis", url, database: redisDatabase(url) };
    case "redis-cluster":
      return { kind: "redis-cluster", url, ...clusterNodes(url) };
    case "postgres":
    case "postgresql":
      return { kind: "postgres", url };
    case "mongodb":
    case "mongodb+srv":
      return { kind: "mongodb", url };
    default:
      throw invalid(
        url,
        "expected memory:, sqlite:<path>, redis://host:port/db, redis-cluster://host:port,host:port/, postgres://user@host/db or mongodb://host/db",
      );
  }
}

/**
 * The database index of a `redis://` URL: its path (`/2`), else a `?db=2` query, else 0.
 * Anything else is refused here: the client would read "/abc" or "/1.5" as some other
 * database, or none, and run against database 0 without a word. Whether the server has
 * that many databases is only known once connected (the Redis store checks its SELECT).
 */
function redisDatabase(url: string): number {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, "not a valid URL, e.g. redis://127.0.0.1:6379/0");
  }
  const path = parsed.pathname.replace(/^\//, "");
  const query = parsed.searchParams.getAll("db");
  if (query.length > 1) throw invalid(url, "db= is given more than once");
  const [fromQuery] = query;
  if (path !== "" && fromQuery !== undefined && path !== fromQuery) {
    throw invalid(url, `the path selects database ${path} but db= says ${fromQuery}`);
  }
  const text = path !== "" ? path : (fromQuery ?? "0");
  if (!/^\d{1,9}$/.test(text)) {
    throw invalid(
      url,
      `the database must be a whole number from 0 (got "${text}"), e.g. redis://127.0.0.1:6379/0`,
    );
  }
  return Number(text);
}

/**
 * The seed nodes (and credentials) of a `redis-cluster://[user:pass@]h:p,h:p/` URL. A
 * cluster has one keyspace: a database index is refused, as Redis Cluster has only 0.
 */
function clusterNodes(
  url: string,
): Omit<Extract<StoreLocation, { kind: "redis-cluster" }>, "kind" | "url"> {
  const match = /^redis-cluster:\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?([?#].*)?$/i.exec(url);
  if (!match) throw invalid(url, "e.g. redis-cluster://127.0.0.1:7000,127.0.0.1:7001/");
  const [, auth, hosts = "", path = ""] = match;
  if (path !== "" && path !== "/") {
    throw invalid(url, "a Redis Cluster has one database: leave the path empty");
  }
  const nodes = hosts.split(",").map((node) => {
    const found = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(node.trim());
    const port = Number(found?.[2]);
    if (!found || !(port >= 1 && port <= 65535)) {
      throw invalid(url, `"${node}" is not host:port; list the seed nodes as host:port,host:port`);
    }
    return { host: found[1]!.replace(/^\[|\]$/g, ""), port };
  });
  if (auth === undefined) return { nodes };
  const cut = auth.indexOf(":");
  const [username, password] =
    cut === -1 ? [auth, undefined] : [auth.slice(0, cut), auth.slice(cut + 1)];
  return {
    nodes,
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password !== undefined ? { password: decodeURIComponent(password) } : {}),
  };
}

function invalid(url: string, message: string): ValidationError {
  return ValidationError.field([], `"${url}" is not a store URL: ${message}`, "store URL");
}
