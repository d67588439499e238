import { jsonEqual } from "./equality.js";
import type { ValueOperator } from "./operatorNames.js";
import {
  coerceToNumber,
  coerceToString,
  compareVersions,
  groupMembers,
  isIn,
  matchesRegex,
  typeName,
} from "./operators.js";
import { getPath } from "./paths.js";
import type { Attributes, Condition, SavedGroups } from "./types.js";

const NO_GROUPS: SavedGroups = Object.freeze({});
// Thrown out of the walk when a group operator meets no saved groups; evalCondition turns it
// into "no match" for the whole condition, so neither `$notInGroup` nor a `$not` around
// `$inGroup` can match everybody.
const NO_SAVED_GROUPS = Symbol("no saved groups");
const DOLLAR = 36;
const isOwn = Object.prototype.hasOwnProperty;

// Own keys are walked with for-in plus hasOwnProperty rather than Object.keys/entries: V8 serves
// for-in from the object's enum cache and recognises that exact own-key check, so no array is
// allocated per evaluation, and enumerable properties planted on Object.prototype are ignored.

function anyMatches(target: unknown, conditions: unknown, groups: SavedGroups): boolean {
  if (!Array.isArray(conditions) || conditions.length === 0) return true;
  for (let i = 0; i < conditions.length; i++) {
    if (matches(target, conditions[i], groups)) return true;
  }
  return false;
}

function allMatch(target: unknown, conditions: unknown, groups: SavedGroups): boolean {
  if (!Array.isArray(conditions)) return true;
  for (let i = 0; i < conditions.length; i++) {
    if (!matches(target, conditions[i], groups)) return false;
  }
  return true;
}

function matches(target: unknown, condition: unknown, groups: SavedGroups): boolean {
  const record = condition as Record<string, unknown>;
  for (const key in record) {
    if (!isOwn.call(record, key)) continue;
    const value = record[key];
    switch (key) {
      case "$or":
        if (!anyMatches(target, value, groups)) return false;
        break;
      case "$nor":
        // As in GrowthBook, an empty $nor list is treated like an empty $or (true), so it fails.
        if (anyMatches(target, value, groups)) return false;
        break;
      case "$and":
        if (!allMatch(target, value, groups)) return false;
        break;
      case "$not":
        if (matches(target, value, groups)) return false;
        break;
      default:
        if (!matchesValue(value, getPath(target, key), groups, false)) return false;
    }
  }
  return true;
}

/** An object with at least one key, all of them starting with `$`. */
function isOperatorObject(record: Record<string, unknown>): boolean {
  let count = 0;
  for (const key in record) {
    if (!isOwn.call(record, key)) continue;
    if (key.charCodeAt(0) !== DOLLAR) return false;
    count++;
  }
  return count > 0;
}

function matchesValue(
  expected: unknown,
  actual: unknown,
  groups: SavedGroups,
  ignoreCase: boolean,
): boolean {
  switch (typeof expected) {
    case "string": {
      const text = coerceToString(actual);
      if (text === null) return false;
      return ignoreCase ? text.toLowerCase() === expected.toLowerCase() : text === expected;
    }
    case "number":
      return coerceToNumber(actual) === expected;
    case "boolean":
      return actual !== null && !!actual === expected;
    case "object":
      break;
    default:
      return jsonEqual(actual, expected);
  }
  if (expected === null) return actual === null;
  const operators = expected as Record<string, unknown>;
  if (Array.isArray(expected) || !isOperatorObject(operators)) return jsonEqual(actual, expected);
  for (const op in operators) {
    if (!isOwn.call(operators, op)) continue;
    if (!evalOperator(op, actual, operators[op], groups)) return false;
  }
  return true;
}

function elemMatch(actual: unknown, expected: unknown, groups: SavedGroups): boolean {
  if (!Array.isArray(actual) || expected === null || typeof expected !== "object") return false;
  const asOperators = isOperatorObject(expected as Record<string, unknown>);
  for (let i = 0; i < actual.length; i++) {
    const element: unknown = actual[i];
    // Falsy elements (0, "", false, null) never match, as in GrowthBook.
    if (!element) continue;
    if (
      asOperators
        ? matchesValue(expected, element, groups, false)
        : matches(element, expected, groups)
    ) {
      return true;
    }
  }
  return false;
}

function containsAll(
  actual: unknown,
  expected: unknown,
  groups: SavedGroups,
  ignoreCase: boolean,
): boolean {
  if (!Array.isArray(expected) || !Array.isArray(actual)) return false;
  for (let i = 0; i < expected.length; i++) {
    let found = false;
    for (let j = 0; j < actual.length; j++) {
      if (matchesValue(expected[i], actual[j], groups, ignoreCase)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function evalOperator(
  op: string,
  actual: unknown,
  expected: unknown,
  groups: SavedGroups,
): boolean {
  // Relational operators keep JavaScript's own coercions ("8" > 5, null >= 0), as GrowthBook
  // does; the casts only silence the type checker.
  const a = actual as number;
  const b = expected as number;
  const name = op as ValueOperator;
  switch (name) {
    case "$eq":
      return actual === expected;
    case "$ne":
      return actual !== expected;
    case "$lt":
      return a < b;
    case "$lte":
      return a <= b;
    case "$gt":
      return a > b;
    case "$gte":
      return a >= b;
    case "$exists":
      return expected ? actual != null : actual == null;
    case "$in":
      return Array.isArray(expected) && isIn(actual, expected, false);
    case "$nin":
      return Array.isArray(expected) && !isIn(actual, expected, false);
    case "$ini":
      return Array.isArray(expected) && isIn(actual, expected, true);
    case "$nini":
      return Array.isArray(expected) && !isIn(actual, expected, true);
    case "$inGroup":
      if (groups === NO_GROUPS) throw NO_SAVED_GROUPS;
      return isIn(actual, groupMembers(groups, expected), false);
    case "$notInGroup":
      if (groups === NO_GROUPS) throw NO_SAVED_GROUPS;
      return !isIn(actual, groupMembers(groups, expected), false);
    case "$all":
      return containsAll(actual, expected, groups, false);
    case "$alli":
      return containsAll(actual, expected, groups, true);
    case "$elemMatch":
      return elemMatch(actual, expected, groups);
    case "$size":
      return Array.isArray(actual) && matchesValue(expected, actual.length, groups, false);
    case "$not":
      return !matchesValue(expected, actual, groups, false);
    case "$type":
      return typeName(actual) === expected;
    case "$regex":
      return matchesRegex(actual, expected, false);
    case "$regexi":
      return matchesRegex(actual, expected, true);
    case "$veq":
      return compareVersions(actual, expected) === 0;
    case "$vne":
      return compareVersions(actual, expected) !== 0;
    case "$vgt":
      return compareVersions(actual, expected) > 0;
    case "$vgte":
      return compareVersions(actual, expected) >= 0;
    case "$vlt":
      return compareVersions(actual, expected) < 0;
    case "$vlte":
      return compareVersions(actual, expected) <= 0;
    default:
      return unknownOperator(name);
  }
}

// Unknown operators never match, so a typo cannot widen an audience. Typed `never` so that
// the switch above handles every name of VALUE_OPERATORS.
function unknownOperator(_name: never): false {
  return false;
}

/**
 * Evaluates a targeting condition against an entity's attributes, with the same result as
 * GrowthBook's `evalCondition` for the same inputs. Malformed conditions do not throw: an
 * invalid `$regex` pattern, an unknown operator or an operand of the wrong type simply does not
 * match.
 *
 * @param attributes - the entity's attributes; nested objects are reached with dotted paths
 * @param condition - the condition, e.g. parsed from an experiment definition's JSON
 * @param savedGroups - group id to member list, for `$inGroup` / `$notInGroup`; when omitted,
 *   a condition that uses either operator does not match at all (it cannot be honoured)
 * @returns whether every part of the condition holds
 *
 * @example
 * evalCondition(
 *   { country: "FR", app: { version: "2.4.1" }, id: "u42" },
 *   { country: { $in: ["FR", "BE"] }, "app.version": { $vgte: "2.4.0" }, id: { $inGroup: "beta" } },
 *   { beta: ["u42", "u77"] },
 * ); // true
 */
export function evalCondition(
  attributes: Attributes,
  condition: Condition,
  savedGroups: SavedGroups = NO_GROUPS,
): boolean {
  try {
    return matches(attributes, condition, savedGroups);
  } catch (error) {
    if (error === NO_SAVED_GROUPS) return false;
    throw error;
  }
}
