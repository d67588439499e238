import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { HttpResponse } from "../exchange.js";
import type { Router } from "../router.js";
import { bodyAs, json } from "./shared.js";

const statusSchema = z.enum(["draft", "running", "stopped"]).optional();

/** Management of experiments and segments, in seed 000's style (camelCase, no envelope). */
export function experimentRoutes(router: Router<RequestContext>): void {
  // Reads: an admin key, then the project the query names (or the key's).
  const engineOf = async (ctx: RequestContext) =>
    (await ctx.authorize("admin")).project(ctx.query.get("projectId") ?? undefined);
  // Writes: admin key first, then the body, then the project it (or the query) names.
  const withBody = async (ctx: RequestContext) => {
    const auth = await ctx.authorize("admin");
    const { projectId, ...fields } = await bodyAs(
      ctx,
      z.record(z.string(), z.unknown()),
      "request body",
    );
    const abkit = await auth.project(projectId ?? ctx.query.get("projectId") ?? undefined);
    return { abkit, fields };
  };

  router.add("GET", "/api/v1/experiments", async (ctx) => {
    const abkit = await engineOf(ctx);
    const status = statusSchema.parse(ctx.query.get("status") ?? undefined);
    return json({ experiments: await abkit.experiments.list(status ? { status } : {}) });
  });

  router.add("POST", "/api/v1/experiments", async (ctx) => {
    const { abkit, fields } = await withBody(ctx);
    return json(await abkit.experiments.create(fields as never), 201);
  });

  router.add("GET", "/api/v1/experiments/:key", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    const experiment = await abkit.experiments.get(key);
    return experiment ? json(experiment) : notFound("experiment", key);
  });

  router.add("PATCH", "/api/v1/experiments/:key", async (ctx, { key = "" }) => {
    const { abkit, fields } = await withBody(ctx);
    return json(await abkit.experiments.update(key, fields as never));
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

  router.add("GET", "/api/v1/experiments/:key/results", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    const alpha = ctx.query.get("alpha");
    const method = ctx.query.get("correction");
    const across = ctx.query.get("correctAcross");
    const correction = {
      ...(method === null ? {} : { method }),
      ...(across === null ? {} : { across }),
    };
    return json(
      await abkit.results(key, {
        ...(alpha === null ? {} : { alpha: Number(alpha) }),
        ...(method === null && across === null ? {} : { correction: correction as never }),
      }),
    );
  });

  router.add("GET", "/api/v1/experiments/:key/logs", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    const limit = ctx.query.get("limit");
    const cursor = ctx.query.get("cursor");
    return json(
      await abkit.logs(key, {
        ...(limit === null ? {} : { limit: Number(limit) }),
        ...(cursor === null ? {} : { cursor }),
      }),
    );
  });

  router.add("GET", "/api/v1/segments", async (ctx) => {
    const abkit = await engineOf(ctx);
    return json({ segments: await abkit.segments.list() });
  });

  router.add("POST", "/api/v1/segments", async (ctx) => {
    const { abkit, fields } = await withBody(ctx);
    return json(await abkit.segments.create(fields as never), 201);
  });

  router.add("GET", "/api/v1/segments/:key", async (ctx, { key = "" }) => {
    const abkit = await engineOf(ctx);
    const segment = await abkit.segments.get(key);
    return segment ? json(segment) : notFound("segment", key);
  });

  router.add("PATCH", "/api/v1/segments/:key", async (ctx, { key = "" }) => {
    const { abkit, fields } = await withBody(ctx);
    return json(await abkit.segments.update(key, fields as never));
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
