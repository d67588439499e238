import { Redis } from "ioredis";
import { describe, it } from "vitest";

/** The Redis the tests use; CI starts one here (see .ci/run). */
export const REDIS_URL = process.env.ABKIT_REDIS_URL ?? "redis://127.0.0.1:6379/0";

/**
 * Whether a Redis answers at REDIS_URL. With ABKIT_REQUIRE_REDIS=1 (CI) a missing server
 * fails the run instead of skipping.
 */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // the failed connect below says enough
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const available = await redisAvailable();
if (!available && process.env.ABKIT_REQUIRE_REDIS === "1") {
  throw new Error(`ABKIT_REQUIRE_REDIS=1 but no Redis answers at ${REDIS_URL}: start redis-server`);
}
if (!available) console.warn(`No Redis at ${REDIS_URL}: the Redis store tests are skipped.`);

/** `describe`, or a visibly skipped block when no Redis is reachable. */
export const describeWithRedis: typeof describe = available
  ? describe
  : (((name: string) =>
      describe(`${name} (skipped: no Redis at ${REDIS_URL})`, () =>
        it.skip("needs Redis", () => {}))) as typeof describe);

/** Deletes every key under `prefix`. */
export async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, found] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (found.length > 0) await client.del(...found);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}
