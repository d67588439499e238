import { describe, expect, it } from "vitest";
import { logSummariesFromCounters } from "../../src/aggregation/counters.js";
import { planLog } from "../../src/aggregation/planLog.js";
import type { LogRecord } from "../../src/schema/log.js";
import { sketchBucket } from "../../src/stats/sketch.js";

const log = (metrics: Record<string, number>, variantKey = "A"): LogRecord => ({
  id: "log_1",
  projectId: "p1",
  experimentId: "e1",
  variantKey,
  input: null,
  output: null,
  metrics,
  context: null,
  createdAt: "2026-03-01T00:00:00.000Z",
});

describe("planLog", () => {
  it("counts each metric once, adds its value to the sum, its square to the sum of squares and one to its bucket", () => {
    const increments = planLog(log({ latency: 123, tokens: 0 }));
    expect(increments).toEqual([
      { projectId: "p1", experimentId: "e1", counter: "log/A/latency/count", delta: 1 },
      { projectId: "p1", experimentId: "e1", counter: "log/A/latency/sum", delta: 123 },
      { projectId: "p1", experimentId: "e1", counter: "log/A/latency/sumSquares", delta: 15_129 },
      { projectId: "p1", experimentId: "e1", counter: "log/A/latency/squared", delta: 1 },
      {
        projectId: "p1",
        experimentId: "e1",
        counter: `log/A/latency/bucket/${sketchBucket(123)}`,
        delta: 1,
      },
      { projectId: "p1", experimentId: "e1", counter: "log/A/tokens/count", delta: 1 },
      { projectId: "p1", experimentId: "e1", counter: "log/A/tokens/sum", delta: 0 },
      { projectId: "p1", experimentId: "e1", counter: "log/A/tokens/sumSquares", delta: 0 },
      { projectId: "p1", experimentId: "e1", counter: "log/A/tokens/squared", delta: 1 },
      { projectId: "p1", experimentId: "e1", counter: "log/A/tokens/bucket/z", delta: 1 },
    ]);
  });

  it("plans nothing for a log without metrics", () => {
    expect(planLog(log({}))).toEqual([]);
  });

  it("reads back, summed over logs, as each variant's count, sum, sum of squares and sketch", () => {
    const counters = new Map<string, number>();
    const records = [
      log({ latency: 100, cost: -2 }),
      log({ latency: 100 }),
      log({ latency: 250.5 }),
      log({ latency: 7 }, "B"),
    ];
    for (const record of records) {
      for (const { counter, delta } of planLog(record)) {
        counters.set(counter, (counters.get(counter) ?? 0) + delta);
      }
    }
    expect(logSummariesFromCounters(counters)).toEqual({
      A: {
        latency: {
          count: 3,
          sum: 450.5,
          sumSquares: 82_750.25, // 100² + 100² + 250.5²
          squared: 3,
          buckets: { [sketchBucket(100)]: 2, [sketchBucket(250.5)]: 1 },
        },
        cost: { count: 1, sum: -2, sumSquares: 4, squared: 1, buckets: { [sketchBucket(-2)]: 1 } },
      },
      B: {
        latency: {
          count: 1,
          sum: 7,
          sumSquares: 49,
          squared: 1,
          buckets: { [sketchBucket(7)]: 1 },
        },
      },
    });
  });
});
