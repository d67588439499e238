import { parseInput, projectIdSchema } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";

/**
 * The query string parsed with `schema` (400 `validation_failed` naming each bad parameter).
 * A parameter given once is a string, given more often an array, so a schema of strings
 * refuses repeats instead of silently taking one; parameters the schema does not name are
 * ignored (cache busters, tracking tags).
 */
export function queryAs<S extends z.ZodType>(ctx: RequestContext, schema: S): z.output<S> {
  // No prototype: a `__proto__` or `constructor` parameter is plain data here too.
  const params: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of ctx.query) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return parseInput(schema, params, "query string");
}

/** One text parameter, given at most once. */
export const text = z.string({
  error: (issue) => (Array.isArray(issue.input) ? "must be given once" : "must be text"),
});

/** A number parameter (`0.05`, `1e-3`): finite, given at most once. */
export const numeric = text
  .trim()
  .regex(/^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i, "must be a number")
  .transform(Number)
  .pipe(z.number().refine(Number.isFinite, "must be a finite number"));

/** The project a management read names in camelCase (`?projectId=`). */
export const projectQuery = z.object({ projectId: text.pipe(projectIdSchema).optional() });

/** The project a seed 002 read names in snake_case (`?project_id=`). */
export const snakeProjectQuery = z.object({
  project_id: text.pipe(projectIdSchema).optional(),
});

/**
 * An admin read: the admin key first (so unauthenticated callers learn nothing about the
 * query), then the query, then the engine of the project it names (or the key's).
 */
export async function adminEngineWith<Q extends { projectId?: string | undefined }>(
  ctx: RequestContext,
  schema: z.ZodType<Q>,
) {
  const auth = await ctx.authorize("admin");
  const query = queryAs(ctx, schema);
  return { abkit: await auth.project(query.projectId), query };
}
