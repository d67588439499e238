// The shape tests shared by the store input checks (`recordChecks.ts`,
// `entityTotalsChecks.ts`): store inputs arrive untyped from adapters and plain JavaScript.
import { keySchema } from "../schema/common.js";

/** The message of a field that must be a metric or covariate name. */
export const NAME_RULE =
  "must be a name of 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";

/** Whether `name` follows `NAME_RULE`. */
export function isName(name: string): boolean {
  return keySchema.safeParse(name).success;
}

/** Whether `value` is an object other than an array (or null). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
