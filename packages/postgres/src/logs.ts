import { ConflictError, type LogRecord, type LogStore, planLog } from "@abkit/core";
import type { Connection } from "./connection.js";
import { addCounters, readLogSummaries } from "./counters.js";
import { uniqueViolationOf } from "./errors.js";

/**
 * Execution logs as JSON bodies, listed newest first by their time-ordered ids (the primary
 * key, so an id used anywhere in the store is a `conflict`). A log and its summaries'
 * counters (`planLog`) are written in one transaction.
 */
export function logMethods({ run }: Connection): LogStore {
  return {
    appendLog: (record) =>
      run((db) =>
        db.transaction(async (tx) => {
          const { id, projectId, experimentId } = record;
          try {
            await tx.query(
              `INSERT INTO ${db.t.logs} (id, project_id, experiment_id, body) VALUES ($1, $2, $3, $4)`,
              [id, projectId, experimentId, JSON.stringify(record)],
            );
          } catch (error) {
            if (uniqueViolationOf(error) !== "logs_pkey") throw error;
            throw new ConflictError(`log "${id}" already exists`, { id });
          }
          await addCounters(tx, db.t, planLog(record));
        }),
      ),

    listLogs: (projectId, experimentId, { limit, before }) =>
      run(async (db) => {
        // One row more than asked tells whether another page follows.
        const rows = await db.query<{ body: string }>(
          `SELECT body FROM ${db.t.logs}
           WHERE project_id = $1 AND experiment_id = $2 AND ($3::text IS NULL OR id < $3::text)
           ORDER BY id DESC LIMIT $4`,
          [projectId, experimentId, before ?? null, limit + 1],
        );
        const logs = rows.slice(0, limit).map((row) => JSON.parse(row.body) as LogRecord);
        return { logs, nextCursor: rows.length > limit ? (logs.at(-1)?.id ?? null) : null };
      }),

    // Placeholder until scores are stored here: see store.ts (getLog, attachScore).
    getLog: async () => {
      throw new Error("getLog is not implemented by this store yet");
    },
    attachScore: async () => {
      throw new Error("attachScore is not implemented by this store yet");
    },

    readLogSummaries: (projectId, experimentId) =>
      run((db) => readLogSummaries(db, projectId, experimentId)),
  };
}
