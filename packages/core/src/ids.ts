import { monotonicFactory } from "ulid";

// Monotonic: ids made in the same millisecond still sort in creation order.
const nextUlid = monotonicFactory();

/** The prefixes of abkit's ids, one per kind of record. */
export type IdPrefix = "exp" | "flag" | "seg" | "key" | "log" | "evt" | "rule";

/**
 * A new prefixed ULID such as `exp_01J9Z...`: sortable by creation time, unique across processes.
 *
 * @example
 * newId("log"); // "log_01JC3M4Z8Q6V5R2T1Y0X9W8E7D"
 */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${nextUlid()}`;
}
