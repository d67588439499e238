import { parseStoreUrl, ValidationError } from "@abkit/core";
import { Cluster, Redis } from "ioredis";

/** What the store runs on: one Redis server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * The client a store URL names, built to fail fast: `redis://` or `rediss://` gives a
 * `Redis`, `redis-cluster://h:p,h:p/` a `Cluster` seeded with those nodes. Neither connects
 * before the first call.
 *
 * @example
 * openClient("redis-cluster://10.0.0.1:7000,10.0.0.2:7000/", 2000); // a lazy Cluster
 */
export function openClient(url: string, timeoutMs: number): RedisClient {
  const scheme = typeof url === "string" ? /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] : undefined;
  if (!scheme || !/^(rediss?|redis-cluster)$/i.test(scheme)) {
    throw ValidationError.field(
      ["url"],
      `"${url}" is not a redis://, rediss:// or redis-cluster:// URL`,
      "redis store options",
    );
  }
  // The store URL rules: a bad database index ("/abc", "/1.5") or seed list is refused here.
  const location = parseStoreUrl(url);
  if (location.kind === "redis-cluster") {
    const { nodes, username, password } = location;
    return new Cluster(nodes, {
      lazyConnect: true,
      // The offline queue stays on (unlike a single node's): without it ioredis fails every
      // command sent to a node whose connection is still opening, most of them right after
      // connecting. The store waits for "ready" itself and bounds each call by timeoutMs.
      // A command whose connection closed may have run on the lost master: report it
      // (store_unavailable, in doubt) instead of sending it again, which could apply a
      // batch twice. MOVED, ASK, TRYAGAIN and CLUSTERDOWN replies mean "not run": those the
      // client still follows.
      retryDelayOnFailover: 0,
      slotsRefreshTimeout: Math.min(timeoutMs, 1000),
      redisOptions: {
        connectTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
      },
    });
  }
  return new Redis(url, {
    // Fail fast while disconnected instead of queueing writes nobody is waiting for; the
    // store waits for "ready" itself, up to timeoutMs.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    lazyConnect: true,
  });
}

/** Whether the client is a Redis Cluster client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}
