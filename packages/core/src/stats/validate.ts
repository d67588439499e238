/**
 * Input checks shared by the tests: every bad number becomes a `ValidationError` naming the
 * field, so that callers (and the HTTP layer) get a 4xx-shaped error, never NaN.
 */
import { ValidationError } from "../errors/ValidationError.js";
import type { ProportionSide } from "./types.js";

/**
 * The significance level to use: `alpha` if given (must be in (0, 1)), else 0.05.
 *
 * @example
 * checkAlpha(undefined, "welchTest input"); // 0.05
 */
export function checkAlpha(alpha: number | undefined, what: string): number {
  if (alpha === undefined) return 0.05;
  if (typeof alpha !== "number" || !(alpha > 0 && alpha < 1)) {
    throw ValidationError.field(["alpha"], "must be a number between 0 and 1", what);
  }
  return alpha;
}

/**
 * Throws unless `value` is a finite number.
 *
 * @example
 * checkFinite(1.5, ["control", "sum"], "welchTest input"); // passes
 */
export function checkFinite(value: unknown, path: PropertyKey[], what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw ValidationError.field(path, "must be a finite number", what);
  }
  return value;
}

/**
 * Throws unless `value` is a non-negative integer (a count of users).
 *
 * @example
 * checkCount(100, ["control", "n"], "proportionTest input"); // passes
 */
export function checkCount(value: unknown, path: PropertyKey[], what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw ValidationError.field(path, "must be a non-negative integer", what);
  }
  return value;
}

/**
 * Throws unless `side` is an object (a missing arm is a validation error, not a TypeError).
 *
 * @example
 * checkObject({ n: 1 }, "control", "welchTest input"); // passes
 */
export function checkObject(side: unknown, path: string, what: string): void {
  if (typeof side !== "object" || side === null) {
    throw ValidationError.field([path], "must be an object", what);
  }
}

/**
 * Checks one arm of a proportion: an object with counts `n` and `conversions <= n`.
 *
 * @example
 * checkProportionSide({ n: 100, conversions: 12 }, "control", "proportionTest input");
 */
export function checkProportionSide(side: ProportionSide, name: string, what: string): void {
  checkObject(side, name, what);
  const n = checkCount(side.n, [name, "n"], what);
  const conversions = checkCount(side.conversions, [name, "conversions"], what);
  if (conversions > n) {
    throw ValidationError.field([name, "conversions"], "must not exceed n", what);
  }
}
