// What attaching a new score does to its experiment's log summaries: the score counts as one
// more value of the log metric `name` in its log's variant, exactly as a log metric of that
// name would (`planLog`), so per-execution reads treat scores and log metrics alike.
import type { ScoreRecord } from "../schema/score.js";
import { sketchBucket } from "../stats/sketch.js";
import { type CounterIncrement, counterId } from "./counters.js";
import { Increments } from "./increments.js";

/**
 * The counter increments of one newly attached score (none for a repeat of its key).
 *
 * @example
 * if (created) for (const { counter, delta } of planScore(score)) add(score.experimentId, counter, delta);
 */
export function planScore(score: ScoreRecord): CounterIncrement[] {
  const { projectId, experimentId, variantKey, name, value } = score;
  const counters = new Increments();
  counters.add(projectId, experimentId, counterId.log(variantKey, name, "count"), 1);
  counters.add(projectId, experimentId, counterId.log(variantKey, name, "sum"), value);
  counters.add(
    projectId,
    experimentId,
    counterId.log(variantKey, name, "sumSquares"),
    value * value,
  );
  counters.add(projectId, experimentId, counterId.log(variantKey, name, "squared"), 1);
  counters.add(
    projectId,
    experimentId,
    counterId.logBucket(variantKey, name, sketchBucket(value)),
    1,
  );
  return counters.list();
}
