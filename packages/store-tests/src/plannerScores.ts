import { type LogRecord, newId, type ScoreRecord } from "@abkit/core";
import { AT } from "./fixtures.js";

/** A score step of a planner stream. */
export interface ScoreStep {
  kind: "score";
  record: ScoreRecord;
}

/**
 * The score steps that follow a log in a planner stream: one to three scores on logs of the
 * stream so far (the newest most often), under a few keys and names (one of them a log
 * metric's); some repeat the previous score's key with another value (the first stays)
 * and, now and then, one names a log that does not exist (nothing counts). Values are multiples of 0.25,
 * exact in any order of addition.
 *
 * @example
 * stream.push(...scoresAfterLog(logs, seededRandom(seed + 1_000_000)));
 */
export function scoresAfterLog(logs: readonly LogRecord[], random: () => number): ScoreStep[] {
  const steps: ScoreStep[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const value = (Math.floor(random() * 41) - 8) / 4;
    const previous = steps.at(-1)?.record;
    if (previous && random() < 0.4) {
      steps.push({ kind: "score", record: { ...previous, value } });
      continue;
    }
    const log = random() < 0.5 ? logs.at(-1)! : logs[Math.floor(random() * logs.length)]!;
    const [key, name] = SCORE_KINDS[Math.floor(random() * SCORE_KINDS.length)]!;
    const unknown = random() < 0.05;
    steps.push({
      kind: "score",
      record: {
        projectId: log.projectId,
        experimentId: log.experimentId,
        logId: unknown ? newId("log") : log.id,
        variantKey: log.variantKey,
        key,
        name,
        value,
        source: random() < 0.5 ? null : "llm-judge",
        createdAt: AT,
      },
    });
  }
  return steps;
}

// --- Internal helpers ---

// [key, name]: two keys share the name judge; latency_ms is also a log metric.
const SCORE_KINDS: readonly (readonly [string, string])[] = [
  ["judge", "judge"],
  ["judge-2", "judge"],
  ["thumbs_up", "thumbs_up"],
  ["latency_ms", "latency_ms"],
];
