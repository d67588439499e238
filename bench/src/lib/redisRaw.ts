import type { Redis } from "ioredis";
import { monotonicFactory } from "ulid";
// @abkit/redis's own applyEvents Lua script, its includes expanded, from the package's source.
import { LOADED } from "../../../packages/redis/src/scripts.js";
import type { BenchEvent } from "./events.js";

/**
 * The work `@abkit/redis`'s applyEvents does, on raw ioredis: one EVALSHA of the same script
 * per batch, with the same keys and arguments (event JSON included).
 */
export function rawApplier(client: Redis, prefix: string, projectId: string, experimentId: string) {
  client.defineCommand("benchApplyEvents", { lua: LOADED.applyEvents.lua });
  const ulid = monotonicFactory();
  const base = `${prefix}{${projectId}}:`;
  const keys = [
    `${base}idem`,
    `${base}events`,
    `${base}asg:${experimentId}`,
    `${base}asgcov:${experimentId}`,
    `${base}tot:${experimentId}`,
    `${base}agg:${experimentId}`,
    `${base}prod:${experimentId}`,
    `${base}aggnames:${experimentId}`,
  ];
  const run = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)
    .benchApplyEvents!;
  return async (events: BenchEvent[]) => {
    const timestamp = new Date().toISOString();
    const day = timestamp.slice(0, 10);
    // Each entity's daily-totals hash follows the experiment's keys, once per entity.
    const batchKeys = [...keys];
    const entityKey = new Map<string, number>();
    for (const { entityId } of events) {
      if (entityKey.has(entityId)) continue;
      batchKeys.push(`${base}entday:${entityId}`);
      entityKey.set(entityId, batchKeys.length);
    }
    const args: (string | number)[] = [events.length];
    for (const event of events) {
      const record = { id: `evt_${ulid()}`, ...event, timestamp, experimentIds: [experimentId] };
      args.push(
        event.entityId,
        event.metricName,
        String(event.value),
        event.idempotencyKey,
        "1",
        JSON.stringify(record),
        "",
        entityKey.get(event.entityId) ?? 0,
        day,
      );
    }
    return run.call(client, batchKeys.length, ...batchKeys, ...args);
  };
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, found] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (found.length > 0) deleted += await client.del(...found);
  } while (cursor !== "0");
  return deleted;
}
