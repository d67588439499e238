import type * as z from "zod";
import { ValidationError } from "../errors/ValidationError.js";

/**
 * Parses `input` with `schema`, throwing a `ValidationError` that names each bad field.
 * Every value entering abkit goes through here.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(result.error.issues, what);
  return result.data;
}
