import { type LogRecord, newId, type ScoreRecord } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { toLogDoc } from "../src/documents.js";
import { withScores } from "../src/scores.js";

const log: LogRecord = {
  id: newId("log"),
  projectId: "p",
  experimentId: "exp_1",
  variantKey: "A",
  entityId: "user-1",
  input: { q: "2+2?" },
  output: "4",
  metrics: { latency_ms: 3 },
  context: null,
  createdAt: "2026-01-02T03:04:05.678Z",
};

const score: ScoreRecord = {
  projectId: "p",
  experimentId: "exp_1",
  logId: log.id,
  variantKey: "A",
  key: "judge",
  name: "judge",
  value: 0.5,
  source: null,
  createdAt: "2026-01-02T03:05:00.000Z",
};

describe("mongodb log documents with scores", () => {
  it("writes a log without scores, even when the record carries some (they are attached later)", () => {
    const doc = toLogDoc({ ...log, scores: [score] });
    expect("scores" in doc).toBe(false);
    expect(doc.entityId).toBe("user-1");
  });

  it("reads a log with its scores in array order, and [] for a document without the array", () => {
    expect(withScores(toLogDoc(log))).toEqual({ ...log, scores: [] });
    const second = { ...score, key: "thumbs", name: "thumbs_up", value: 1 };
    expect(withScores({ ...toLogDoc(log), scores: [score, second] })).toEqual({
      ...log,
      scores: [score, second],
    });
  });
});
