import { type AttachScoreResult, type LogRecord, planScore, type ScoreRecord } from "@abkit/core";
import type { Connection } from "./connection.js";
import { logSummaryField } from "./counters.js";

/**
 * Attaches a score with one script (`attachScore-4.lua`): it checks that the log exists in
 * the project's logs hash, keeps the first score of each key and adds a new score's
 * `planScore` increments to the summaries hash. Every key carries the project's hash tag:
 * one slot, so the script also runs on Redis Cluster.
 *
 * @example
 * await attachScore(connection, score); // { score, created } or null
 */
export async function attachScore(
  { keys, script }: Connection,
  score: ScoreRecord,
): Promise<AttachScoreResult | null> {
  const k = keys.project(score.projectId);
  const increments = planScore(score).flatMap(({ counter, delta }) => [
    logSummaryField(counter),
    String(delta),
  ]);
  const reply = (await script(
    "attachScore",
    [
      k.logs,
      k.logScoreKeys(score.logId),
      k.logScores(score.logId),
      k.logSummaries(score.experimentId),
    ],
    [score.logId, score.key, JSON.stringify(score), ...increments],
  )) as [number, string] | null;
  if (reply === null) return null;
  return { score: JSON.parse(reply[1]) as ScoreRecord, created: reply[0] === 1 };
}

/**
 * The logs with their scores, oldest first (`[]` without): one pipeline of LRANGEs, whose
 * keys share the project's slot.
 *
 * @example
 * const logs = await withScores(connection, projectId, page);
 */
export async function withScores(
  { client, keys }: Connection,
  projectId: string,
  logs: LogRecord[],
): Promise<LogRecord[]> {
  if (logs.length === 0) return [];
  const k = keys.project(projectId);
  const pipeline = client.pipeline();
  for (const log of logs) pipeline.lrange(k.logScores(log.id), 0, -1);
  const replies = (await pipeline.exec()) ?? [];
  return logs.map((log, i) => {
    const [error, bodies] = replies[i] ?? [new Error("no reply")];
    if (error) throw error;
    return { ...log, scores: (bodies as string[]).map((body) => JSON.parse(body) as ScoreRecord) };
  });
}
