import { ConflictError, type LogStore, logSummariesFromCounters, planLog } from "@abkit/core";
import type { Connection } from "./connection.js";
import { addCounters, readCounters } from "./counters.js";
import { toLogDoc } from "./documents.js";
import { isDuplicateKey } from "./errors.js";
import { attachScore, withScores } from "./scores.js";
import { inTransaction } from "./transactions.js";

/**
 * Execution logs, listed newest first by their time-ordered ids (the `_id`, so a repeated
 * id is a duplicate key: `conflict`). A log and its summary counters (`planLog`) are
 * written in one transaction. Scores live in their log's document (see `attachScore`).
 */
export function logMethods({ run }: Connection): LogStore {
  return {
    appendLog: (record) =>
      run((open) =>
        inTransaction(open, async (session) => {
          try {
            await open.collections.logs.insertOne(toLogDoc(record), { session });
          } catch (error) {
            // Another writer's log: thrown as a conflict, so the transaction is not run again.
            if (!isDuplicateKey(error)) throw error;
            throw new ConflictError(`log "${record.id}" already exists`, { id: record.id });
          }
          await addCounters(open.collections.counters, planLog(record), session);
        }),
      ),

    listLogs: (projectId, experimentId, { limit, before }) =>
      run(async (open) => {
        // One more than asked tells whether another page follows.
        const docs = await open.collections.logs
          .find({
            projectId,
            experimentId,
            ...(before === undefined ? {} : { _id: { $lt: before } }),
          })
          .sort({ _id: -1 })
          .limit(limit + 1)
          .toArray();
        const logs = docs.slice(0, limit).map(withScores);
        return { logs, nextCursor: docs.length > limit ? (logs.at(-1)?.id ?? null) : null };
      }),

    getLog: (projectId, logId) =>
      run(async (open) => {
        const doc = await open.collections.logs.findOne({ _id: logId, projectId });
        return doc === null ? null : withScores(doc);
      }),

    attachScore: (score) => run((open) => attachScore(open, score)),

    readLogSummaries: (projectId, experimentId) =>
      run(async (open) =>
        logSummariesFromCounters(
          await readCounters(open.collections.counters, projectId, experimentId, "logs"),
        ),
      ),
  };
}
