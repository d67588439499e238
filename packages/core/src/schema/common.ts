import * as z from "zod";
import { conditionIssues } from "../conditions/validate.js";

/** A slug naming an experiment, flag, segment or variant, unique in its scope. */
export const keySchema = z
  .string()
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    "must start with a letter or digit and hold only letters, digits, '.', '_', ':' or '-'",
  );

/** A project id: `default` for embedded use, or any slug. */
export const projectIdSchema = keySchema;

/** An environment name such as `production` or `staging`. */
export const environmentSchema = z.string().min(1).max(64);

/** The environment used when none is given. */
export const DEFAULT_ENVIRONMENT = "production";

/** The project embedded users get when they name none. */
export const DEFAULT_PROJECT = "default";

/** A JSON value (`null`, boolean, finite number, string, array or object of JSON values). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * Any JSON value: what a variant's `config` or a flag's value may be. NaN and Infinity are
 * not JSON. The value is copied, and every key is kept as plain data: `__proto__` or
 * `constructor` inside a config is an own property of the copy, never its prototype
 * (zod's `z.json()` drops a `__proto__` key).
 */
export const jsonSchema = z
  .custom<JsonValue>(() => true)
  .transform((value, ctx) => {
    const copied = copyJson(value, new Set());
    if (copied !== INVALID) return copied;
    ctx.issues.push({
      code: "custom",
      message:
        "must be JSON: null, a boolean, a finite number, a string, or an array or object of those",
      input: value,
    });
    return z.NEVER;
  });

/**
 * A targeting condition in the MongoDB-style language (see docs/targeting.md). Refused when
 * it would silently mis-target: unknown operators, operands that never match, saved groups
 * (not supported yet), patterns RE2 cannot run.
 */
export const conditionSchema = z.record(z.string(), z.json()).superRefine((condition, ctx) => {
  for (const issue of conditionIssues(condition, { savedGroups: false })) {
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
});

/** ISO-8601 timestamp, as stored on every record. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** A finite number (NaN and ±Infinity rejected with a message naming the field). */
export const finiteNumberSchema = z.number().refine(Number.isFinite, "must be a finite number");

/** Free-form text shown to people. */
export const nameSchema = z.string().max(200);
export const descriptionSchema = z.string().max(2000);

// --- Internal helpers ---

const INVALID = Symbol("invalid JSON");

// A copy of a JSON value, or INVALID. `ancestors` refuses cycles; keys are defined, not
// assigned, so `__proto__` stays an own property.
function copyJson(value: unknown, ancestors: Set<object>): JsonValue | typeof INVALID {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : INVALID;
  if (typeof value !== "object" || ancestors.has(value)) return INVALID;
  const prototype = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && prototype !== Object.prototype && prototype !== null) return INVALID;
  ancestors.add(value);
  try {
    if (isArray) {
      const items: JsonValue[] = [];
      for (const item of value) {
        const copied = copyJson(item, ancestors);
        if (copied === INVALID) return INVALID;
        items.push(copied);
      }
      return items;
    }
    const object: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value)) {
      const copied = copyJson((value as Record<string, unknown>)[key], ancestors);
      if (copied === INVALID) return INVALID;
      Object.defineProperty(object, key, {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  } finally {
    ancestors.delete(value);
  }
}
