// What recording assignments does to the aggregates: the first writer of (project,
// experiment, entity) wins; a new assignment counts as an exposure of its variant, on the UTC
// day of its time, with its covariates. Pure: the store supplies what it has stored.

import { exposureDay } from "../store/days.js";
import { ownEntry } from "../store/ownEntry.js";
import type { AssignmentRecord } from "../store.js";
import { type CounterIncrement, counterId } from "./counters.js";
import { Increments } from "./increments.js";
import { isValueSlice, MAX_SLICE_VALUES, OTHER_SLICE, sliceKey } from "./slices.js";

/** A new assignment as the store keeps it: the record and the slices it counts in. */
export interface PlannedAssignment extends AssignmentRecord {
  /**
   * Dimension -> slice key (`sliceKey`, or `other` past the cap) the entity counts in; the
   * store keeps these with the assignment and returns them as `StoredAssignment.slices`.
   * Absent when the record has no dimensions.
   */
  slices?: Record<string, string> | undefined;
}

/** What a store writes for one `recordAssignments` call, in its atomic unit. */
export interface AssignmentPlan {
  /** For each record in order, the variant now stored (an existing one wins). */
  variants: string[];
  /** The new assignments to insert (the first record of each entity without one). */
  inserts: PlannedAssignment[];
  /** What the new assignments add to their experiments' counters. */
  counters: CounterIncrement[];
}

/**
 * Plans a `recordAssignments` call. `stored` returns the variant already stored for
 * (project, experiment, entity), or undefined. `knownSlices` returns the slice keys an
 * experiment keeps per dimension (`sliceValues` of its counter ids); it is asked once per
 * experiment, only when a new assignment carries dimensions. The records must have passed
 * `checkAssignmentRecords` (`defineStore` runs it).
 *
 * @example
 * const plan = planAssignments(
 *   records,
 *   (p, e, u) => assignments.get(key(p, e, u)),
 *   (p, e) => sliceValues(counterIdsOf(p, e)),
 * );
 * for (const record of plan.inserts) insert(record);
 * for (const { counter, delta } of plan.counters) add(counter, delta);
 */
export function planAssignments(
  records: readonly AssignmentRecord[],
  stored: (projectId: string, experimentId: string, entityId: string) => string | undefined,
  knownSlices: (
    projectId: string,
    experimentId: string,
  ) => ReadonlyMap<string, ReadonlySet<string>> = () => new Map(),
): AssignmentPlan {
  const inBatch = new Map<string, string>();
  const inserts: PlannedAssignment[] = [];
  const counters = new Increments();
  const known = new Map<string, Map<string, Set<string>>>();
  const knownOf = (projectId: string, experimentId: string) => {
    const id = `${projectId}\u0000${experimentId}`;
    let values = known.get(id);
    if (!values) {
      values = new Map(
        [...knownSlices(projectId, experimentId)].map(([dimension, keys]) => [
          dimension,
          new Set(keys),
        ]),
      );
      known.set(id, values);
    }
    return values;
  };
  const variants = records.map((record) => {
    const { projectId, experimentId, entityId, variantKey } = record;
    const id = `${projectId}\u0000${experimentId}\u0000${entityId}`;
    const existing = inBatch.get(id) ?? stored(projectId, experimentId, entityId);
    if (existing !== undefined) return existing;
    inBatch.set(id, variantKey);
    const add = (counter: string, delta: number) =>
      counters.add(projectId, experimentId, counter, delta);
    const slices =
      record.dimensions && slicesOf(record.dimensions, knownOf(projectId, experimentId));
    inserts.push(slices ? { ...record, slices } : record);
    for (const [dimension, slice] of Object.entries(slices ?? {})) {
      add(counterId.sliceExposures(dimension, slice, variantKey), 1);
    }
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

// --- Internal helpers ---

// Each dimension's slice: a value's own while the experiment keeps fewer than
// MAX_SLICE_VALUES values of the dimension (or already keeps this one), else `other`.
function slicesOf(
  dimensions: Readonly<Record<string, string | null>>,
  known: Map<string, Set<string>>,
): Record<string, string> {
  const slices: Record<string, string> = {};
  for (const [dimension, value] of Object.entries(dimensions)) {
    let slice = sliceKey(value);
    if (isValueSlice(slice)) {
      const values = known.get(dimension) ?? new Set<string>();
      known.set(dimension, values);
      if (!values.has(slice) && values.size >= MAX_SLICE_VALUES) slice = OTHER_SLICE;
      else values.add(slice);
    }
    ownEntry(slices, dimension, () => slice);
  }
  return slices;
}
