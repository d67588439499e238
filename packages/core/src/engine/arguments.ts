import { ValidationError } from "../errors/ValidationError.js";

/**
 * Checks of the arguments every public engine method takes besides its schema-parsed input:
 * the key it names and its options object. A call from JavaScript (or with `as any`) that
 * passes nothing, `null` or a wrong type gets `validation_failed`, never a `TypeError` from
 * inside the engine or a misleading `not_found` for the key "undefined".
 */

/** Throws unless `value` is a non-empty string; `field` names it in the message. */
export function checkKey(value: unknown, field: string, what: string): asserts value is string {
  if (typeof value !== "string" || value === "") {
    throw ValidationError.field(
      [field],
      `must be a non-empty string, got ${describe(value)}`,
      what,
    );
  }
}

/** Throws unless `value` is an object (not null, not an array). */
export function checkObject(value: unknown, what: string): asserts value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw ValidationError.field([], `must be an object, got ${describe(value)}`, what);
  }
}

/** Throws unless `value` is undefined or an object (the optional options of a method). */
export function checkOptionalObject(value: unknown, what: string): void {
  if (value !== undefined) checkObject(value, what);
}

/** How many leading arguments of a method are keys, and whether an options object follows. */
export interface ArgumentShape {
  keys: readonly string[];
  options?: boolean;
}

/**
 * The same API with each listed method checking its leading key arguments (and its optional
 * options object) before it runs. Methods not listed parse their input with a schema already.
 *
 * @example
 * const experiments = withCheckedArguments(experimentsApi(ctx), "experiments", {
 *   get: { keys: ["key"] },
 *   list: { keys: [], options: true },
 * });
 */
export function withCheckedArguments<T extends object>(
  api: T,
  what: string,
  shapes: { [K in keyof T]?: ArgumentShape },
): T {
  const checked = { ...api } as Record<string, unknown>;
  for (const [name, shape] of Object.entries(shapes) as [string, ArgumentShape][]) {
    const method = (api as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
    const where = `${what}.${name} arguments`;
    checked[name] = async (...args: unknown[]) => {
      shape.keys.forEach((field, i) => {
        checkKey(args[i], field, where);
      });
      if (shape.options) checkOptionalObject(args[shape.keys.length], where);
      return method.apply(api, args);
    };
  }
  return checked as T;
}

// --- Internal helpers ---

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === "") return "an empty string";
  return typeof value;
}
