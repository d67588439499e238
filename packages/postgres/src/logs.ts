import { ConflictError, type LogRecord, type LogStore, planLog } from "@abkit/core";
import type { Connection } from "./connection.js";
import { addCounters, readLogSummaries } from "./counters.js";
import { uniqueViolationOf } from "./errors.js";
import { attachScore, withScores } from "./scores.js";

/**
 * Execution logs as JSON bodies, listed newest first by their time-ordered ids (the primary
 * key, so an id used anywhere in the store is a `conflict`). A log and its summaries'
 * counters (`planLog`) are written in one transaction; scores are rows of `log_scores`
 * (see `attachScore`).
 */
export function logMethods({ run }: Connection): LogStore {
  return {
    appendLog: (record) =>
      run((db) =>
        db.transaction(async (tx) => {
          // Scores are attached later, never stored with the log.
          const { scores: _attachedLater, ...log } = record;
          const { id, projectId, experimentId } = log;
          try {
            await tx.query(
              `INSERT INTO ${db.t.logs} (id, project_id, experiment_id, body) VALUES ($1, $2, $3, $4)`,
              [id, projectId, experimentId, JSON.stringify(log)],
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
        // Scores only accumulate: read after the page, they are at least those it had.
        return {
          logs: await withScores(db, projectId, logs),
          nextCursor: rows.length > limit ? (logs.at(-1)?.id ?? null) : null,
        };
      }),

    getLog: (projectId, logId) =>
      run(async (db) => {
        const rows = await db.query<{ body: string }>(
          `SELECT body FROM ${db.t.logs} WHERE id = $1 AND project_id = $2`,
          [logId, projectId],
        );
        const body = rows[0]?.body;
        if (body === undefined) return null;
        return (await withScores(db, projectId, [JSON.parse(body) as LogRecord]))[0]!;
      }),

    attachScore: (score) => run((db) => attachScore(db, score)),

    readLogSummaries: (projectId, experimentId) =>
      run((db) => readLogSummaries(db, projectId, experimentId)),
  };
}
