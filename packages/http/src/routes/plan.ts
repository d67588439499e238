import { type PlanInput, planExperiment } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { Router } from "../router.js";
import { bodyAs, json } from "./shared.js";

/**
 * Sample size for an experiment: `planExperiment` on the body. It reads no data, so any live
 * key (sdk or admin) may call it.
 */
export function planRoutes(router: Router<RequestContext>): void {
  router.add("POST", "/api/v1/plan", async (ctx) => {
    await ctx.authorize("sdk");
    // `planExperiment` checks every field, so its errors name them as the library's do.
    const body = await bodyAs(ctx, z.custom<PlanInput>(isObject, "must be a JSON object"), "plan");
    return json(planExperiment(body));
  });
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
