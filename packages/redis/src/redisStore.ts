import { defineStore, parseInput, parseStoreUrl, type Store, ValidationError } from "@abkit/core";
import { Redis } from "ioredis";
import * as z from "zod";
import { accountMethods } from "./accounts.js";
import { createConnection } from "./connection.js";
import { definitionMethods } from "./definitions.js";
import { toAbkitError } from "./errors.js";
import { eventMethods } from "./events.js";
import { logMethods } from "./logs.js";

/** Where Redis is (a `redis://` URL or a client you made) and how the store uses it. */
export type RedisStoreOptions = ({ url: string } | { client: Redis }) & {
  /** Prepended to every key: `abkit:` by default. Give each app or test its own. */
  prefix?: string;
  /**
   * How long a call waits for a connection and an answer before it rejects with
   * `store_unavailable`, in ms. Default 2000.
   */
  timeoutMs?: number;
};

const tuningSchema = z.object({
  prefix: z.string().max(200).default("abkit:"),
  timeoutMs: z.number().int().min(1).max(600_000).default(2000),
});

/**
 * A `Store` on Redis: many app instances share one experiment state. Every rule that
 * touches several keys is one Lua script, atomic on the server; each script's keys share a
 * hash tag, so the store also runs on Redis Cluster. A call while Redis is down rejects with
 * `store_unavailable` within `timeoutMs`; the client reconnects on its own, and the next
 * call after the server is back succeeds.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { redisStore } from "@abkit/redis";
 *
 * const abkit = createAbkit({ store: redisStore({ url: "redis://127.0.0.1:6379/0" }) });
 */
export function redisStore(options: RedisStoreOptions): Store {
  const { prefix, timeoutMs } = parseInput(tuningSchema, options, "redis store options");
  const owned = !("client" in options);
  const client = "client" in options ? options.client : openClient(options.url, timeoutMs);
  const connection = createConnection({ client, ownsClient: owned, prefix, timeoutMs });
  return defineStore({
    name: "redis",
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

// --- Internal helpers ---

function openClient(url: string, timeoutMs: number): Redis {
  if (typeof url !== "string" || !/^rediss?:/i.test(url)) {
    throw ValidationError.field(
      ["url"],
      `"${url}" is not a redis:// or rediss:// URL`,
      "redis store options",
    );
  }
  // The store URL rules: a bad database index ("/abc", "/1.5") is refused with its reason.
  parseStoreUrl(url);
  return new Redis(url, {
    // Fail fast while disconnected instead of queueing writes nobody is waiting for; the
    // store waits for "ready" itself, up to timeoutMs.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    lazyConnect: true,
  });
}
