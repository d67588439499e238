import { ValidationError } from "./errors/ValidationError.js";

/** A store URL taken apart: which backend, and where. */
export type StoreLocation =
  | { kind: "memory" }
  | { kind: "sqlite"; path: string }
  | { kind: "redis"; url: string }
  | { kind: "mongodb"; url: string };

/**
 * Parses a store URL of the convention used everywhere (CLI, examples, `ABKIT_STORE`):
 * `memory:`, `sqlite:./path.db` (relative to the working directory; `sqlite::memory:` for an
 * in-memory database), `redis://host:6379/0` (or `rediss://`), `mongodb://host/db` (or
 * `mongodb+srv://`).
 *
 * @example
 * parseStoreUrl("sqlite:./abkit.db"); // { kind: "sqlite", path: "./abkit.db" }
 * parseStoreUrl("redis://127.0.0.1:6379/0"); // { kind: "redis", url: "redis://127.0.0.1:6379/0" }
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
      return { kind: "redis", url };
    case "mongodb":
    case "mongodb+srv":
      return { kind: "mongodb", url };
    default:
      throw invalid(
        url,
        "expected memory:, sqlite:<path>, redis://host:port/db or mongodb://host/db",
      );
  }
}

function invalid(url: string, message: string): ValidationError {
  return ValidationError.field([], `"${url}" is not a store URL: ${message}`, "store URL");
}
