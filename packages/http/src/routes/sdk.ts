import type { EventInput, LogInput } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { Router } from "../router.js";
import { bodyAs, json, jsonObjectSchema } from "./shared.js";

const evaluateSchema = z.object({
  experimentKey: z.string().min(1).max(128),
  entityId: z.string().min(1).max(256),
  properties: jsonObjectSchema.optional(),
  environment: z.string().min(1).max(64).optional(),
  project_id: z.string().optional(),
  /** Tell the variant without recording an assignment or an exposure. */
  peek: z.boolean().optional(),
});

/** Seed 000 (evaluate, track) and seed 001 (execution logs): what SDK keys may call. */
export function sdkRoutes(router: Router<RequestContext>, batchLimit: number): void {
  const trackSchema = z.object({
    // Each event is the engine's to check, so its errors name fields as `abkit.track`'s do.
    events: z
      .array(z.custom<EventInput>())
      .max(batchLimit, `at most ${batchLimit} events per request`),
    project_id: z.string().optional(),
  });

  router.add("POST", "/api/v1/experiments/evaluate", async (ctx) => {
    const auth = await ctx.authorize("sdk");
    const body = await bodyAs(ctx, evaluateSchema, "evaluate request");
    const abkit = await auth.project(body.project_id);
    const result = await abkit[body.peek ? "peek" : "evaluate"]({
      experimentKey: body.experimentKey,
      entityId: body.entityId,
      ...(body.properties ? { properties: body.properties } : {}),
      ...(body.environment ? { environment: body.environment } : {}),
    });
    // Seed 000's three fields, and why: `holdout`, `not_running`, `no_segment_match`...
    return json({
      experimentKey: result.experimentKey,
      variantKey: result.variantKey,
      config: result.config,
      reason: result.reason,
    });
  });

  router.add("POST", "/api/v1/track", async (ctx) => {
    const auth = await ctx.authorize("sdk");
    const body = await bodyAs(ctx, trackSchema, "track request");
    const abkit = await auth.project(body.project_id);
    return json(await abkit.track(body.events));
  });

  router.add("POST", "/experiment/:slug/log", async (ctx, { slug = "" }) => {
    const auth = await ctx.authorize("sdk");
    // The engine checks the entry, so its errors name fields as `abkit.log`'s do.
    const body = await bodyAs(ctx, z.custom<LogInput>(), "log");
    const abkit = await auth.project();
    const { logId } = await abkit.log(slug, body);
    return json({ success: true, logId });
  });
}
