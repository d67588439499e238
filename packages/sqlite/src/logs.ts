import { type LogPageRequest, type LogRecord, type LogStore, planLog } from "@abkit/core";
import type Database from "better-sqlite3";
import type { Counters } from "./counters.js";
import { insertUnique } from "./errors.js";
import { scoresTable } from "./scores.js";
import { reader, writer } from "./transactions.js";

/**
 * Execution logs as JSON bodies, listed newest first by their time-ordered ids, each with
 * the scores attached to it (see `scoresTable`).
 */
export function logMethods(db: Database.Database, counters: Counters): LogStore {
  const scores = scoresTable(db, counters);
  const insert = db.prepare(
    "INSERT INTO logs (id, project_id, experiment_id, body) VALUES (?, ?, ?, ?)",
  );
  const selectPage = db
    .prepare<[string, string, string | null, string | null, number], string>(
      `SELECT body FROM logs WHERE project_id = ? AND experiment_id = ? AND (? IS NULL OR id < ?)
       ORDER BY id DESC LIMIT ?`,
    )
    .pluck();

  return {
    // The log and its summaries' counters commit together.
    appendLog: writer(db, (record) => {
      // Scores are attached later, never stored with the log.
      const { scores: _attachedLater, ...log } = record;
      const { id, projectId, experimentId } = log;
      const row = [id, projectId, experimentId, JSON.stringify(log)];
      insertUnique(insert, row, `log "${id}"`, { id });
      counters.add(planLog(record));
    }),

    // The page and its scores in one snapshot.
    listLogs: reader(db, (projectId: string, experimentId: string, page: LogPageRequest) => {
      const cursor = page.before ?? null;
      // One row more than asked tells whether another page follows.
      const rows = selectPage.all(projectId, experimentId, cursor, cursor, page.limit + 1);
      const logs = rows.slice(0, page.limit).map((body) => JSON.parse(body) as LogRecord);
      const nextCursor = rows.length > page.limit ? (logs.at(-1)?.id ?? null) : null;
      return { logs: scores.withScores(projectId, logs), nextCursor };
    }),

    getLog: scores.getLog,
    attachScore: scores.attachScore,

    readLogSummaries: async (projectId, experimentId) =>
      counters.logSummaries(projectId, experimentId),
  };
}
