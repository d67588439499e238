import { type LogRecord, type LogStore, logSummariesFromCounters, sketchBucket } from "@abkit/core";
import type { Connection } from "./connection.js";
import { logCounters } from "./counters.js";
import { scriptError } from "./errors.js";
import { attachScore, withScores } from "./scores.js";

/**
 * Logs: bodies in a hash, ids in a per-experiment sorted set (by id), summaries in a hash;
 * each log's scores in a list, with a hash of their keys (see `attachScore`).
 */
export function logMethods(connection: Connection): LogStore {
  const { client, keys, script, run } = connection;
  return {
    appendLog: (record) =>
      run(async () => {
        const k = keys.project(record.projectId);
        // Scores are attached later, never stored with the log.
        const { scores: _attachedLater, ...log } = record;
        const metrics = Object.entries(record.metrics).flatMap(([name, value]) => [
          name,
          String(value),
          sketchBucket(value),
        ]);
        const status = (await script(
          "appendLog",
          [k.logs, k.logIndex(record.experimentId), k.logSummaries(record.experimentId)],
          [record.id, JSON.stringify(log), record.variantKey, ...metrics],
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
        return {
          logs: await withScores(connection, projectId, logs),
          nextCursor: ids.length > limit ? (page.at(-1) ?? null) : null,
        };
      }),

    getLog: (projectId, logId) =>
      run(async () => {
        const body = await client.hget(keys.project(projectId).logs, logId);
        if (body === null) return null;
        return (await withScores(connection, projectId, [JSON.parse(body) as LogRecord]))[0]!;
      }),

    attachScore: (score) => run(() => attachScore(connection, score)),

    readLogSummaries: (projectId, experimentId) =>
      run(async () => {
        const hash = await client.hgetall(keys.project(projectId).logSummaries(experimentId));
        return logSummariesFromCounters(logCounters(hash));
      }),
  };
}
