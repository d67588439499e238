import { defineStore, parseInput, type Store } from "@abkit/core";
import type { Cluster, Redis } from "ioredis";
import * as z from "zod";
import { accountMethods } from "./accounts.js";
import { openClient } from "./clients.js";
import { createConnection } from "./connection.js";
import { definitionMethods } from "./definitions.js";
import { toAbkitError } from "./errors.js";
import { eventMethods } from "./events.js";
import { logMethods } from "./logs.js";

/**
 * Where Redis is (a `redis://`, `rediss://` or `redis-cluster://` URL, or a `Redis` or
 * `Cluster` client you made) and how the store uses it.
 */
export type RedisStoreOptions = ({ url: string } | { client: Redis | Cluster }) & {
  /**
   * Prepended to every key: `abkit:` by default. Give each app or test its own. No `{` or
   * `}`: the project's hash tag follows it.
   */
  prefix?: string;
  /**
   * How long a call waits for a connection and an answer before it rejects with
   * `store_unavailable`, in ms. Default 2000.
   */
  timeoutMs?: number;
  /**
   * Acknowledge a write only once this many replicas hold it: each write is followed by
   * `WAIT <waitReplicas> <timeoutMs / 2>` on the same connection, and fewer replicas in
   * time reject the call with `store_unavailable` (the write then in doubt). Default 0: no
   * wait, and a failover may lose the last acknowledged writes (see docs/redis.md).
   */
  waitReplicas?: number;
};

const tuningSchema = z.object({
  prefix: z
    .string()
    .max(200)
    .regex(/^[^{}]*$/, "must not hold { or }: each project's keys share the hash tag after it")
    .default("abkit:"),
  timeoutMs: z.number().int().min(1).max(600_000).default(2000),
  waitReplicas: z.number().int().min(0).max(100).default(0),
});

/**
 * A `Store` on Redis: many app instances share one experiment state. Every rule that
 * touches several keys is one Lua script, atomic on the server; each script's keys share a
 * hash tag (the project's, or `{accounts}`), so the store runs on Redis Cluster too, each
 * project on the shard of its slot. A call while Redis is down rejects with
 * `store_unavailable` within `timeoutMs`; the client reconnects on its own, and the next
 * call after the server is back succeeds.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { redisStore } from "@abkit/redis";
 *
 * const abkit = createAbkit({ store: redisStore({ url: "redis://127.0.0.1:6379/0" }) });
 * // A cluster, from its seed nodes; a write is acknowledged once a replica has it:
 * redisStore({ url: "redis-cluster://10.0.0.1:7000,10.0.0.2:7000/", waitReplicas: 1 });
 */
export function redisStore(options: RedisStoreOptions): Store {
  const { prefix, timeoutMs, waitReplicas } = parseInput(
    tuningSchema,
    options,
    "redis store options",
  );
  const owned = !("client" in options);
  const client = "client" in options ? options.client : openClient(options.url, timeoutMs);
  const wait =
    waitReplicas === 0
      ? null
      : { replicas: waitReplicas, timeoutMs: Math.max(1, Math.floor(timeoutMs / 2)) };
  const connection = createConnection({ client, ownsClient: owned, prefix, timeoutMs, wait });
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
