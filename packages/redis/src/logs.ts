import { type LogRecord, type LogStore, logSummariesFromCounters, sketchBucket } from "@abkit/core";
import type { Connection } from "./connection.js";
import { logCounters } from "./counters.js";
import { scriptError } from "./errors.js";

/** Logs: bodies in a hash, ids in a per-experiment sorted set (by id), summaries in a hash. */
export function logMethods({ client, keys, script, run }: Connection): LogStore {
  return {
    appendLog: (record) =>
      run(async () => {
        const k = keys.project(record.projectId);
        const metrics = Object.entries(record.metrics).flatMap(([name, value]) => [
          name,
          String(value),
          sketchBucket(value),
        ]);
        const status = (await script(
          "appendLog",
          [k.logs, k.logIndex(record.experimentId), k.logSummaries(record.experimentId)],
          [record.id, JSON.stringify(record), record.variantKey, ...metrics],
        )) as number;
        if (status !== 0) throw scriptError(status, { id: record.id });
      }),

    listLogs: (projectId, experimentId, { limit, before }) =>
      run(async () => {
        const k = keys.project(projectId);
        // Ids share one score, so the set orders them by id; one more than asked tells
        // whether another page follows.
        const max = before === undefined ? "+" : `(${before}`;
        const ids = await client.zrevrangebylex(
          k.logIndex(experimentId),
          max,
          "-",
          "LIMIT",
          0,
          limit + 1,
        );
        const page = ids.slice(0, limit);
        const bodies = page.length === 0 ? [] : await client.hmget(k.logs, ...page);
        const logs = bodies.flatMap((body) =>
          body === null ? [] : [JSON.parse(body) as LogRecord],
        );
        return { logs, nextCursor: ids.length > limit ? (page.at(-1) ?? null) : null };
      }),

    // Placeholder until scores are stored here: see store.ts (getLog, attachScore).
    getLog: async () => {
      throw new Error("getLog is not implemented by this store yet");
    },
    attachScore: async () => {
      throw new Error("attachScore is not implemented by this store yet");
    },

    readLogSummaries: (projectId, experimentId) =>
      run(async () => {
        const hash = await client.hgetall(keys.project(projectId).logSummaries(experimentId));
        return logSummariesFromCounters(logCounters(hash));
      }),
  };
}
