import { InvalidTransitionError } from "../errors/InvalidTransitionError.js";
import type { Experiment } from "../schema/experiment.js";

/**
 * Fields that decide which variant an entity gets. They are frozen once an experiment
 * leaves draft: changing them would move entities between variants mid-test.
 */
export const FROZEN_FIELDS = ["variants", "hashSeed", "hashVersion", "flagKey"] as const;

/**
 * Throws `invalid_transition` when `next` changes a frozen field of a non-draft `current`.
 * Sending the same value again is allowed, so a client may resend the whole definition.
 */
export function assertFrozenFieldsKept(current: Experiment, next: Partial<Experiment>): void {
  if (current.status === "draft") return;
  for (const field of FROZEN_FIELDS) {
    if (field in next && !sameJson(next[field], current[field])) {
      throw new InvalidTransitionError(
        `${field} cannot change once an experiment is ${current.status}`,
        { field, status: current.status },
      );
    }
  }
}

// --- Internal helpers ---

/**
 * Deep equality of JSON values, whatever the order of object keys: a client that resends a
 * variant's config with its keys in another order sends the same value. An absent key and
 * one set to undefined are the same (neither survives JSON).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameJson(item, b[index]));
  }
  const left = definedEntries(a);
  const right = new Map(definedEntries(b));
  if (left.length !== right.size) return false;
  return left.every(([key, value]) => right.has(key) && sameJson(value, right.get(key)));
}

function definedEntries(value: object): [string, unknown][] {
  return Object.entries(value).filter(([, item]) => item !== undefined);
}
