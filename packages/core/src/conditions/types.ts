/**
 * Attributes of the entity a condition is evaluated against (a user, a device, a request).
 * Nested objects are reached with dotted paths such as `"company.plan"`.
 */
export type Attributes = Record<string, unknown>;

/**
 * Saved groups: a group id mapped to the list of values that belong to it. Referenced from
 * conditions by `$inGroup` and `$notInGroup`.
 */
export type SavedGroups = Readonly<Record<string, readonly unknown[]>>;

/** Type names `$type` compares against. */
export type VarType = "string" | "number" | "boolean" | "array" | "object" | "null" | "undefined";

/**
 * A targeting condition in the MongoDB-style language GrowthBook uses.
 *
 * Keys are either the logical operators below or dotted attribute paths. A path maps to a
 * literal (implicit equality), or to an object whose keys all start with `$` (operators such as
 * `$gt`, `$in`, `$regex`, `$veq`, `$elemMatch`). Every key must hold for the condition to match.
 */
export interface Condition {
  /** At least one sub-condition matches; an empty list matches. */
  readonly $or?: readonly Condition[];
  /** No sub-condition matches; an empty list matches nothing. */
  readonly $nor?: readonly Condition[];
  /** Every sub-condition matches; an empty list matches. */
  readonly $and?: readonly Condition[];
  /** The sub-condition does not match. */
  readonly $not?: Condition;
  /** An attribute path and the value or operators it is tested against. */
  readonly [path: string]: unknown;
}
