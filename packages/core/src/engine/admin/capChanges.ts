import { ValidationError } from "../../errors/ValidationError.js";
import type { Experiment, ExperimentDefinition } from "../../schema/experiment.js";

/**
 * Throws `validation_failed` when `next` adds, removes or changes a metric's `cap` of an
 * experiment that has left draft (removing a capped metric included): the events counted so
 * far were capped under the old value, and the aggregates keep no raw totals to recount
 * them under a new one. Resending the same caps is allowed.
 *
 * @example
 * assertCapsKept(current, merged); // before writing an update
 */
export function assertCapsKept(current: Experiment, next: ExperimentDefinition): void {
  if (current.status === "draft") return;
  const before = new Map(current.metrics.map((metric) => [metric.name, metric.cap]));
  const after = new Map(next.metrics.map((metric) => [metric.name, metric.cap]));
  const once = `once the experiment is ${current.status}`;
  next.metrics.forEach((metric, index) => {
    const was = before.get(metric.name);
    if (metric.cap === was) return;
    const message =
      was === undefined
        ? `a cap cannot be added ${once}: its events so far were counted uncapped`
        : metric.cap === undefined
          ? `the cap ${was} cannot be removed ${once}: its events so far were counted under it`
          : `the cap cannot change from ${was} ${once}: its events so far were counted under it`;
    throw ValidationError.field(["metrics", index, "cap"], message, "experiment");
  });
  for (const [name, cap] of before) {
    if (cap === undefined || after.has(name)) continue;
    throw ValidationError.field(
      ["metrics"],
      `metric "${name}" is capped at ${cap} and cannot be removed ${once}: its events so far were counted under the cap`,
      "experiment",
    );
  }
}
