import { type AttachScoreResult, type LogRecord, planScore, type ScoreRecord } from "@abkit/core";
import type { Db } from "./connection.js";
import { addCounters } from "./counters.js";

/**
 * Attaches a score in one transaction: the log must exist in the score's project; the
 * primary key (project, log, key) lets one writer insert, and a concurrent writer of the
 * same key waits for it, then inserts nothing and reads the winner's score (READ COMMITTED:
 * each statement sees what committed before it). Only a new score adds its `planScore`
 * counters.
 *
 * @example
 * const result = await attachScore(db, score); // { score, created } or null
 */
export function attachScore(db: Db, score: ScoreRecord): Promise<AttachScoreResult | null> {
  const { projectId, logId, key } = score;
  return db.transaction(async (tx) => {
    const log = await tx.query(`SELECT 1 FROM ${db.t.logs} WHERE id = $1 AND project_id = $2`, [
      logId,
      projectId,
    ]);
    if (log.rows.length === 0) return null;
    const inserted = await tx.query(
      `INSERT INTO ${db.t.logScores} (project_id, log_id, key, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (project_id, log_id, key) DO NOTHING RETURNING 1`,
      [projectId, logId, key, JSON.stringify(score)],
    );
    if (inserted.rows.length === 0) {
      const { rows } = await tx.query<{ body: string }>(
        `SELECT body FROM ${db.t.logScores} WHERE project_id = $1 AND log_id = $2 AND key = $3`,
        [projectId, logId, key],
      );
      return { score: JSON.parse(rows[0]!.body) as ScoreRecord, created: false };
    }
    await addCounters(tx, db.t, planScore(score));
    return { score: structuredClone(score), created: true };
  });
}

/**
 * The logs with their scores, oldest first (`[]` without), read in one statement.
 *
 * @example
 * const logs = await withScores(db, projectId, page);
 */
export async function withScores(
  db: Db,
  projectId: string,
  logs: LogRecord[],
): Promise<LogRecord[]> {
  const byLog = new Map<string, ScoreRecord[]>(logs.map((log) => [log.id, []]));
  if (logs.length > 0) {
    const rows = await db.query<{ log_id: string; body: string }>(
      `SELECT log_id, body FROM ${db.t.logScores}
       WHERE project_id = $1 AND log_id = ANY($2::text[]) ORDER BY seq`,
      [projectId, logs.map((log) => log.id)],
    );
    for (const row of rows) byLog.get(row.log_id)?.push(JSON.parse(row.body) as ScoreRecord);
  }
  return logs.map((log) => ({ ...log, scores: byLog.get(log.id) ?? [] }));
}
