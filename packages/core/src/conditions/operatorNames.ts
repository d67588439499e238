/**
 * The operators the evaluator implements: one list, read by `evalOperator`'s switch (which the
 * compiler holds to it in both directions) and by the validator that refuses anything else.
 */
export const VALUE_OPERATORS = [
  "$eq",
  "$ne",
  "$lt",
  "$lte",
  "$gt",
  "$gte",
  "$exists",
  "$in",
  "$nin",
  "$ini",
  "$nini",
  "$inGroup",
  "$notInGroup",
  "$all",
  "$alli",
  "$elemMatch",
  "$size",
  "$not",
  "$type",
  "$regex",
  "$regexi",
  "$veq",
  "$vne",
  "$vgt",
  "$vgte",
  "$vlt",
  "$vlte",
] as const;

/** An operator applied to an attribute's value, such as `$in` or `$regex`. */
export type ValueOperator = (typeof VALUE_OPERATORS)[number];

/** The operators that combine whole conditions, at the top of a condition. */
export const LOGICAL_OPERATORS = ["$and", "$or", "$nor", "$not"] as const;

const known: ReadonlySet<string> = new Set(VALUE_OPERATORS);

/** True when `name` is an operator the evaluator implements. */
export function isValueOperator(name: string): name is ValueOperator {
  return known.has(name);
}
