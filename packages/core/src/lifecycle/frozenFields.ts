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
    if (field in next && JSON.stringify(next[field]) !== JSON.stringify(current[field])) {
      throw new InvalidTransitionError(
        `${field} cannot change once an experiment is ${current.status}`,
        { field, status: current.status },
      );
    }
  }
}
