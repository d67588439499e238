// What recording assignments does to the aggregates: the first writer of (project,
// experiment, entity) wins; a new assignment counts as an exposure of its variant, on the UTC
// day of its time, with its covariates. Pure: the store supplies what it has stored.

import { exposureDay } from "../store/days.js";
import type { AssignmentRecord } from "../store.js";
import { type CounterIncrement, counterId } from "./counters.js";
import { Increments } from "./increments.js";

/** What a store writes for one `recordAssignments` call, in its atomic unit. */
export interface AssignmentPlan {
  /** For each record in order, the variant now stored (an existing one wins). */
  variants: string[];
  /** The new assignments to insert (the first record of each entity without one). */
  inserts: AssignmentRecord[];
  /** What the new assignments add to their experiments' counters. */
  counters: CounterIncrement[];
}

/**
 * Plans a `recordAssignments` call. `stored` returns the variant already stored for
 * (project, experiment, entity), or undefined. The records must have passed
 * `checkAssignmentRecords` (`defineStore` runs it).
 *
 * @example
 * const plan = planAssignments(records, (p, e, u) => assignments.get(key(p, e, u)));
 * for (const record of plan.inserts) insert(record);
 * for (const { counter, delta } of plan.counters) add(counter, delta);
 */
export function planAssignments(
  records: readonly AssignmentRecord[],
  stored: (projectId: string, experimentId: string, entityId: string) => string | undefined,
): AssignmentPlan {
  const inBatch = new Map<string, string>();
  const inserts: AssignmentRecord[] = [];
  const counters = new Increments();
  const variants = records.map((record) => {
    const { projectId, experimentId, entityId, variantKey } = record;
    const id = `${projectId}\u0000${experimentId}\u0000${entityId}`;
    const existing = inBatch.get(id) ?? stored(projectId, experimentId, entityId);
    if (existing !== undefined) return existing;
    inBatch.set(id, variantKey);
    inserts.push(record);
    const add = (counter: string, delta: number) =>
      counters.add(projectId, experimentId, counter, delta);
    add(counterId.exposures(variantKey), 1);
    const day = exposureDay(record.assignedAt);
    if (day !== null) add(counterId.exposuresByDay(day, variantKey), 1);
    for (const [name, x] of Object.entries(record.covariates ?? {})) {
      add(counterId.covariate(name, variantKey, "entities"), 1);
      add(counterId.covariate(name, variantKey, "sum"), x);
      add(counterId.covariate(name, variantKey, "sumSquares"), x * x);
    }
    return variantKey;
  });
  return { variants, inserts, counters: counters.list() };
}
