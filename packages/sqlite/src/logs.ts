import { ConflictError, type LogRecord, type LogStore } from "@abkit/core";
import type { Connection } from "./connection.js";
import { isUniqueViolation } from "./errors.js";
import { logSummaryReader, logSummaryWriter } from "./logSummaries.js";

/** Execution logs as JSON bodies, listed newest first by their time-ordered ids. */
export function logMethods({ db, run, write }: Connection): LogStore {
  const summarize = logSummaryWriter(db);
  const readSummaries = logSummaryReader(db);
  const insert = db.prepare(
    "INSERT INTO logs (id, project_id, experiment_id, body) VALUES (?, ?, ?, ?)",
  );
  const selectPage = db.prepare<
    [string, string, string | null, string | null, number],
    { body: string }
  >(
    `SELECT body FROM logs WHERE project_id = ? AND experiment_id = ? AND (? IS NULL OR id < ?)
     ORDER BY id DESC LIMIT ?`,
  );

  return {
    appendLog: (record) =>
      write(() => {
        try {
          insert.run(record.id, record.projectId, record.experimentId, JSON.stringify(record));
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw new ConflictError(`log "${record.id}" already exists`, { id: record.id });
        }
        summarize(record);
      }),

    listLogs: (projectId, experimentId, { limit, before }) =>
      run(() => {
        const cursor = before ?? null;
        // One row more than asked tells whether another page follows.
        const rows = selectPage.all(projectId, experimentId, cursor, cursor, limit + 1);
        const logs = rows.slice(0, limit).map((row) => JSON.parse(row.body) as LogRecord);
        return { logs, nextCursor: rows.length > limit ? (logs.at(-1)?.id ?? null) : null };
      }),

    readLogSummaries: (projectId, experimentId) =>
      run(() => readSummaries(projectId, experimentId)),
  };
}
