import { type AttachScoreResult, type LogRecord, planScore, type ScoreRecord } from "@abkit/core";
import type Database from "better-sqlite3";
import type { Counters } from "./counters.js";
import { reader, writer } from "./transactions.js";

/** The `log_scores` table's reads and writes (see `scoresTable`). */
export type Scores = ReturnType<typeof scoresTable>;

/**
 * Scores attached to logs: one row per (project, log, key), the first writer's, in the
 * order attached (`seq`). A new score and its summary counters (`planScore`) commit in one
 * write transaction, which SQLite serializes across connections and processes.
 */
export function scoresTable(db: Database.Database, counters: Counters) {
  const selectLog = db
    .prepare<[string, string], string>("SELECT body FROM logs WHERE id = ? AND project_id = ?")
    .pluck();
  const insert = db.prepare<[string, string, string, string]>(
    `INSERT INTO log_scores (project_id, log_id, key, body) VALUES (?, ?, ?, ?)
     ON CONFLICT (project_id, log_id, key) DO NOTHING`,
  );
  const selectScore = db
    .prepare<[string, string, string], string>(
      "SELECT body FROM log_scores WHERE project_id = ? AND log_id = ? AND key = ?",
    )
    .pluck();
  // The scores of many logs in one statement: the ids go in as one JSON array.
  const selectScoresOf = db.prepare<[string, string], { log_id: string; body: string }>(
    `SELECT log_id, body FROM log_scores
     WHERE project_id = ? AND log_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
  );

  /** The logs with their scores, oldest first (`[]` without); call it inside a read. */
  const withScores = (projectId: string, logs: LogRecord[]): LogRecord[] => {
    const byLog = new Map<string, ScoreRecord[]>(logs.map((log) => [log.id, []]));
    if (logs.length > 0) {
      const ids = JSON.stringify(logs.map((log) => log.id));
      for (const row of selectScoresOf.all(projectId, ids)) {
        byLog.get(row.log_id)?.push(JSON.parse(row.body) as ScoreRecord);
      }
    }
    return logs.map((log) => ({ ...log, scores: byLog.get(log.id) ?? [] }));
  };

  return {
    withScores,

    getLog: reader(db, (projectId: string, logId: string): LogRecord | null => {
      const body = selectLog.get(logId, projectId);
      return body === undefined ? null : withScores(projectId, [JSON.parse(body)])[0]!;
    }),

    // The log must exist in the score's project; a repeat of the key reads the first score.
    attachScore: writer(db, (score: ScoreRecord): AttachScoreResult | null => {
      const { projectId, logId, key } = score;
      if (selectLog.get(logId, projectId) === undefined) return null;
      if (insert.run(projectId, logId, key, JSON.stringify(score)).changes === 0) {
        const stored = selectScore.get(projectId, logId, key)!;
        return { score: JSON.parse(stored) as ScoreRecord, created: false };
      }
      counters.add(planScore(score));
      return { score: structuredClone(score), created: true };
    }),
  };
}
