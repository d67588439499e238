// What appending a log does to its experiment's log summaries: each of its metrics counts
// once, adds its value to the sum and its square to the sum of squares (counting itself in
// `squared`, which tells summaries written before squares were kept), and one to its sketch
// bucket.
import type { LogRecord } from "../schema/log.js";
import { sketchBucket } from "../stats/sketch.js";
import { type CounterIncrement, counterId } from "./counters.js";
import { Increments } from "./increments.js";

/**
 * The counter increments of one appended log (read back with `logSummariesFromCounters`).
 *
 * @example
 * for (const { counter, delta } of planLog(record)) add(record.experimentId, counter, delta);
 */
export function planLog(record: LogRecord): CounterIncrement[] {
  const { projectId, experimentId, variantKey } = record;
  const counters = new Increments();
  for (const [metric, value] of Object.entries(record.metrics)) {
    counters.add(projectId, experimentId, counterId.log(variantKey, metric, "count"), 1);
    counters.add(projectId, experimentId, counterId.log(variantKey, metric, "sum"), value);
    const square = counterId.log(variantKey, metric, "sumSquares");
    counters.add(projectId, experimentId, square, value * value);
    counters.add(projectId, experimentId, counterId.log(variantKey, metric, "squared"), 1);
    const bucket = counterId.logBucket(variantKey, metric, sketchBucket(value));
    counters.add(projectId, experimentId, bucket, 1);
  }
  return counters.list();
}
