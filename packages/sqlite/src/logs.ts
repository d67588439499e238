import { type LogRecord, type LogStore, planLog } from "@abkit/core";
import type Database from "better-sqlite3";
import type { Counters } from "./counters.js";
import { insertUnique } from "./errors.js";
import { writer } from "./transactions.js";

/** Execution logs as JSON bodies, listed newest first by their time-ordered ids. */
export function logMethods(db: Database.Database, counters: Counters): LogStore {
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
      const { id, projectId, experimentId } = record;
      const row = [id, projectId, experimentId, JSON.stringify(record)];
      insertUnique(insert, row, `log "${id}"`, { id });
      counters.add(planLog(record));
    }),

    listLogs: async (projectId, experimentId, { limit, before }) => {
      const cursor = before ?? null;
      // One row more than asked tells whether another page follows.
      const rows = selectPage.all(projectId, experimentId, cursor, cursor, limit + 1);
      const logs = rows.slice(0, limit).map((body) => JSON.parse(body) as LogRecord);
      return { logs, nextCursor: rows.length > limit ? (logs.at(-1)?.id ?? null) : null };
    },

    // Placeholder until scores are stored here: see store.ts (getLog, attachScore).
    getLog: async () => {
      throw new Error("getLog is not implemented by this store yet");
    },
    attachScore: async () => {
      throw new Error("attachScore is not implemented by this store yet");
    },

    readLogSummaries: async (projectId, experimentId) =>
      counters.logSummaries(projectId, experimentId),
  };
}
