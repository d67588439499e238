import { type LogsQueryOptions, MAX_LOGS_SCANNED } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { Router } from "../router.js";
import { adminEngineWith, numeric, projectQuery, text } from "./query.js";
import { json } from "./shared.js";

const pageParams = {
  limit: numeric.pipe(z.number().int().min(1).max(500)).optional(),
  cursor: text.pipe(z.string().min(1).max(64)).optional(),
  scanLimit: numeric.pipe(z.number().int().min(1).max(MAX_LOGS_SCANNED)).optional(),
};

// The engine checks the values again; here each parameter is named as the caller wrote it.
const logsQuery = projectQuery
  .extend({
    ...pageParams,
    variant: text.pipe(z.string().min(1)).optional(),
    from: text.pipe(z.iso.datetime({ offset: true })).optional(),
    to: text.pipe(z.iso.datetime({ offset: true })).optional(),
    scoreName: text.pipe(z.string().min(1)).optional(),
    scoreMin: numeric.optional(),
    scoreMax: numeric.optional(),
    entityId: text.pipe(z.string().min(1).max(256)).optional(),
  })
  .refine(
    (query) => query.scoreName !== undefined || (query.scoreMin ?? query.scoreMax) === undefined,
    {
      message: "scoreMin and scoreMax need scoreName",
      path: ["scoreName"],
    },
  )
  .refine(
    (query) =>
      query.scoreMin === undefined ||
      query.scoreMax === undefined ||
      query.scoreMin <= query.scoreMax,
    { message: "must not exceed scoreMax", path: ["scoreMin"] },
  );

const sameInputQuery = projectQuery.extend({
  limit: numeric.pipe(z.number().int().min(1).max(100)).optional(),
  cursor: pageParams.cursor,
  scanLimit: pageParams.scanLimit,
});

/**
 * The execution-log browser's reads: an experiment's logs filtered and paged, one log, and
 * the other variants' logs for the same input. Admin keys only.
 */
export function logRoutes(router: Router<RequestContext>): void {
  router.add("GET", "/api/v1/experiments/:key/logs", async (ctx, { key = "" }) => {
    const { abkit, query } = await adminEngineWith(ctx, logsQuery);
    const { projectId: _, scoreName, scoreMin, scoreMax, ...rest } = query;
    const options: LogsQueryOptions = withoutUndefined(rest);
    if (scoreName !== undefined) {
      options.score = withoutUndefined({ name: scoreName, min: scoreMin, max: scoreMax });
    }
    return json(await abkit.logs(key, options));
  });

  router.add(
    "GET",
    "/api/v1/experiments/:key/logs/:logId",
    async (ctx, { key = "", logId = "" }) => {
      const { abkit } = await adminEngineWith(ctx, projectQuery);
      return json(await abkit.getLog(key, logId));
    },
  );

  router.add(
    "GET",
    "/api/v1/experiments/:key/logs/:logId/same-input",
    async (ctx, { key = "", logId = "" }) => {
      const { abkit, query } = await adminEngineWith(ctx, sameInputQuery);
      const { projectId: _, ...options } = query;
      return json(await abkit.logsWithSameInput(key, logId, withoutUndefined(options)));
    },
  );
}

// --- Internal helpers ---

/** The object without its undefined fields (the engine's strict options refuse them). */
function withoutUndefined<T extends object>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
