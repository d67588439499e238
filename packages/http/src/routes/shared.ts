import { type JsonValue, jsonSchema, parseInput } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { HttpResponse } from "../exchange.js";

/** The request body parsed with `schema` (400 naming each bad field). */
export async function bodyAs<S extends z.ZodType>(
  ctx: RequestContext,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  return parseInput(schema, await ctx.body(), what);
}

/**
 * A JSON object for the engine, which parses it with its own schema (so errors name the
 * fields as the engine's API does): here it is only checked to be an object, then typed as
 * the engine's input.
 */
export function engineInputSchema<T extends object>() {
  return z.record(z.string(), z.unknown()).pipe(z.custom<T & { projectId?: unknown }>());
}

/** A JSON answer. */
export function json(body: unknown, status = 200): HttpResponse {
  return { status, body };
}

/** A plain object of JSON: what a body field holding properties, a context or a config must be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A JSON object (properties, a context): every key kept as plain data, `__proto__` too,
 * which `z.record` would drop.
 */
export const jsonObjectSchema = jsonSchema.refine(
  isPlainObject,
  "must be a JSON object",
) as unknown as z.ZodType<Record<string, JsonValue>>;
