import {
  AbkitError,
  type AttachScoreResult,
  type LogRecord,
  planScore,
  type ScoreRecord,
} from "@abkit/core";
import type { OpenStore } from "./connection.js";
import { addCounters } from "./counters.js";
import { fromLogDoc, type LogDoc } from "./documents.js";
import { inTransaction } from "./transactions.js";

/**
 * Attaches a score in one transaction. The score goes into its log document's `scores`
 * array by one conditional update (the log of that project, holding no score with that
 * key), so one writer per key wins: a concurrent writer of the same document is a write
 * conflict, and the transaction runs again on a new snapshot, where it finds the winner's
 * score. A new score's `planScore` counters commit with it.
 *
 * @example
 * await attachScore(open, score); // { score, created } or null
 */
export function attachScore(
  open: OpenStore,
  score: ScoreRecord,
): Promise<AttachScoreResult | null> {
  const { logs, counters } = open.collections;
  const { logId, projectId, key } = score;
  return inTransaction(open, async (session) => {
    const pushed = await logs.updateOne(
      { _id: logId, projectId, "scores.key": { $ne: key } },
      { $push: { scores: { ...score } } },
      { session },
    );
    if (pushed.modifiedCount === 1) {
      await addCounters(counters, planScore(score), session);
      return { score: structuredClone(score), created: true };
    }
    const log = await logs.findOne(
      { _id: logId, projectId },
      { session, projection: { scores: 1 } },
    );
    if (log === null) return null;
    const stored = log.scores?.find((candidate) => candidate.key === key);
    // The update matched nothing although the log exists: only a score of that key explains it.
    if (stored === undefined) {
      throw new AbkitError("internal", `mongodb store: log "${logId}" refused score "${key}"`);
    }
    return { score: stored, created: false };
  });
}

/**
 * The log record of a document, with its scores (oldest first, `[]` without).
 *
 * @example
 * const log = withScores(await logs.findOne({ _id: id, projectId }));
 */
export function withScores(doc: LogDoc): LogRecord {
  return { ...fromLogDoc(doc), scores: doc.scores ?? [] };
}
