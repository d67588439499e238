import type { ExperimentInput, ExperimentPatch, SegmentInput, SegmentPatch } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { HttpResponse } from "../exchange.js";
import type { Router } from "../router.js";
import { adminEngineWith, numeric, projectQuery, queryAs, text } from "./query.js";
import { bodyAs, engineInputSchema, json } from "./shared.js";

const listQuery = projectQuery.extend({
  status: text.pipe(z.enum(["draft", "running", "stopped", "shipped"])).optional(),
});

const resultsQuery = projectQuery.extend({
  alpha: numeric.pipe(z.number().gt(0).lt(1)).optional(),
  correction: text.pipe(z.enum(["holm", "benjamini-hochberg"])).optional(),
  correctAcross: text.pipe(z.enum(["metrics", "variants", "metrics-and-variants"])).optional(),
});

/** Management of experiments and segments, in seed 000's style (camelCase, no envelope). */
export function experimentRoutes(router: Router<RequestContext>): void {
  // Reads: an admin key, then the project the query names (or the key's).
  const engineOf = async (ctx: RequestContext) => (await adminEngineWith(ctx, projectQuery)).abkit;
  // Writes: admin key first, then the body, then the project it (or the query) names.
  const withBody = async <T extends object>(ctx: RequestContext) => {
    const auth = await ctx.authorize("admin");
    const { projectId, ...fields } = await bodyAs(ctx, engineInputSchema<T>(), "request body");
    const abkit = await auth.project(projectId ?? queryAs(ctx, projectQuery).projectId);
    return { abkit, fields };
  };

  router.add("GET", "/api/v1/experiments", async (ctx) => {
    const { abkit, query } = await adminEngineWith(ctx, listQuery);
    const { status } = query;
    return json({ experiments: await abkit.experiments.list(status ? { status } : {}) });
  });

  router.add("POST", "/api/v1/experiments", async (ctx) => {
    const { abkit, fields } = await withBody<ExperimentInput>(ctx);
    return json(await abkit.experiments.create(fields), 201);
  });

  router.add("GET", "/api/v1/experiments/:key", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    const experiment = await abkit.experiments.get(key);
    return experiment ? json(experiment) : notFound("experiment", key);
  });

  router.add("PATCH", "/api/v1/experiments/:key", async (ctx, { key = "" }) => {
    const { abkit, fields } = await withBody<ExperimentPatch>(ctx);
    return json(await abkit.experiments.update(key, fields));
  });

  for (const action of ["start", "stop"] as const) {
    router.add("POST", `/api/v1/experiments/:key/${action}`, async (ctx, { key = "" }) => {
      const abkit = await engineOf(ctx);
      return json(await abkit.experiments[action](key));
    });
  }

  router.add("POST", "/api/v1/experiments/:key/rebalance", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    return json(await abkit.experiments.rebalance(key));
  });

  // Ships a variant by hand: `{ variantKey }`; the experiment becomes `shipped` (or, on a
  // flag, stops with the flag's default set to the variant's value).
  router.add("POST", "/api/v1/experiments/:key/ship", async (ctx, { key = "" }) => {
    const { abkit, fields } = await withBody<{ variantKey?: unknown }>(ctx);
    return json(await abkit.experiments.ship(key, fields.variantKey as string));
  });

  // One autopilot check now: the decision it wrote, or why none.
  router.add("POST", "/api/v1/experiments/:key/autopilot", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    return json(await abkit.experiments.autopilot(key));
  });

  router.add("GET", "/api/v1/experiments/:key/results", async (ctx, { key = "" }) => {
    const { abkit, query } = await adminEngineWith(ctx, resultsQuery);
    const { alpha, correction: method, correctAcross: across } = query;
    const correction = {
      ...(method === undefined ? {} : { method }),
      ...(across === undefined ? {} : { across }),
    };
    return json(
      await abkit.results(key, {
        ...(alpha === undefined ? {} : { alpha }),
        ...(method === undefined && across === undefined ? {} : { correction }),
      }),
    );
  });

  router.add("GET", "/api/v1/segments", async (ctx) => {
    const abkit = await engineOf(ctx);
    return json({ segments: await abkit.segments.list() });
  });

  router.add("POST", "/api/v1/segments", async (ctx) => {
    const { abkit, fields } = await withBody<SegmentInput>(ctx);
    return json(await abkit.segments.create(fields), 201);
  });

  router.add("GET", "/api/v1/segments/:key", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    const segment = await abkit.segments.get(key);
    return segment ? json(segment) : notFound("segment", key);
  });

  router.add("PATCH", "/api/v1/segments/:key", async (ctx, { key = "" }) => {
    const { abkit, fields } = await withBody<SegmentPatch>(ctx);
    return json(await abkit.segments.update(key, fields));
  });

  router.add("DELETE", "/api/v1/segments/:key", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    await abkit.segments.delete(key);
    return json({ deleted: true });
  });
}

// --- Internal helpers ---

function notFound(kind: string, key: string): HttpResponse {
  return json(
    { error: { code: "not_found", message: `${kind} "${key}" not found`, details: { kind, key } } },
    404,
  );
}
