import { getRegex, MAX_REGEX_INPUT_LENGTH } from "./regex.js";
import type { SavedGroups, VarType } from "./types.js";
import { paddedVersionString } from "./versions.js";

const NO_MEMBERS: readonly unknown[] = Object.freeze([]);

/** Objects that coercion to a primitive would throw on (no `toString` and no `valueOf`). */
function isUnconvertible(value: object): boolean {
  const candidate = value as { toString?: unknown; valueOf?: unknown };
  return typeof candidate.toString !== "function" && typeof candidate.valueOf !== "function";
}

/**
 * The string coercion GrowthBook applies before comparing with a string, or `null` for the
 * values that coercion would throw on (symbols, objects with no `toString` or `valueOf`).
 */
export function coerceToString(value: unknown): string | null {
  switch (typeof value) {
    case "string":
      return value;
    case "symbol":
      return null;
    case "object":
      if (value !== null && isUnconvertible(value)) return null;
      return `${value as object}`;
    default:
      return `${value as string}`;
  }
}

/** `value * 1`, the coercion GrowthBook applies before comparing with a number. */
export function coerceToNumber(value: unknown): number {
  switch (typeof value) {
    case "number":
      return value;
    case "symbol":
    case "bigint":
      return Number.NaN;
    case "object":
      if (value !== null && isUnconvertible(value)) return Number.NaN;
      return Number(value);
    default:
      return Number(value);
  }
}

function fold(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

function includesFolded(list: readonly unknown[], folded: unknown): boolean {
  for (let i = 0; i < list.length; i++) {
    if (fold(list[i]) === folded) return true;
  }
  return false;
}

/**
 * Membership for `$in`/`$nin`: an array attribute matches when any of its elements is in the
 * list (intersection); any other value must itself be in the list (SameValueZero).
 */
export function isIn(actual: unknown, list: readonly unknown[], ignoreCase: boolean): boolean {
  if (Array.isArray(actual)) {
    for (let i = 0; i < actual.length; i++) {
      if (ignoreCase ? includesFolded(list, fold(actual[i])) : list.includes(actual[i])) {
        return true;
      }
    }
    return false;
  }
  return ignoreCase ? includesFolded(list, fold(actual)) : list.includes(actual);
}

/** The members of a saved group; an unknown id (or an inherited name) is an empty group. */
export function groupMembers(groups: SavedGroups, id: unknown): readonly unknown[] {
  if (typeof id !== "string" && typeof id !== "number") return NO_MEMBERS;
  if (!Object.hasOwn(groups, id)) return NO_MEMBERS;
  const members = groups[id];
  return Array.isArray(members) ? members : NO_MEMBERS;
}

/** The type name `$type` compares with. */
export function typeName(value: unknown): VarType | "unknown" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "object":
    case "undefined":
      return typeof value as VarType;
    default:
      return "unknown";
  }
}

/**
 * `$regex`/`$regexi`, matched in linear time (RE2 semantics): an invalid or non-string
 * pattern never matches, and neither does a value longer than `MAX_REGEX_INPUT_LENGTH`.
 */
export function matchesRegex(actual: unknown, pattern: unknown, ignoreCase: boolean): boolean {
  if (typeof pattern !== "string") return false;
  const regex = getRegex(pattern, ignoreCase);
  if (regex === null) return false;
  const text = coerceToString(actual);
  return text !== null && text.length <= MAX_REGEX_INPUT_LENGTH && regex.test(text);
}

/** Orders two versions: negative, zero or positive, as GrowthBook's padded strings compare. */
export function compareVersions(actual: unknown, expected: unknown): number {
  const a = paddedVersionString(actual);
  const b = paddedVersionString(expected);
  return a === b ? 0 : a < b ? -1 : 1;
}
