import { sketchBucket } from "../../src/stats/sketch.js";
import type { LogMetricSummary } from "../../src/store.js";

/** The log summary a store keeps of these per-execution values (see `planLog`). */
export function summaryOf(values: readonly number[]): LogMetricSummary {
  const summary = {
    count: 0,
    sum: 0,
    sumSquares: 0,
    squared: 0,
    buckets: {} as LogMetricSummary["buckets"],
  };
  for (const value of values) {
    summary.count += 1;
    summary.sum += value;
    summary.sumSquares += value * value;
    summary.squared += 1;
    const bucket = sketchBucket(value);
    summary.buckets[bucket] = (summary.buckets[bucket] ?? 0) + 1;
  }
  return summary;
}
