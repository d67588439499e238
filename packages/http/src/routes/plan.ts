import {
  type DetectableEffectInput,
  detectableEffect,
  type PlanInput,
  planExperiment,
  ValidationError,
} from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { Router } from "../router.js";
import { bodyAs, isPlainObject, json } from "./shared.js";

/**
 * Sample size for an experiment: `planExperiment` on the body, or with `users` (all variants
 * together) instead of `mde`, the smallest effect they detect (`detectableEffect`). It reads
 * no data, so any live key (sdk or admin) may call it.
 */
export function planRoutes(router: Router<RequestContext>): void {
  router.add("POST", "/api/v1/plan", async (ctx) => {
    await ctx.authorize("sdk");
    // The core functions check every field, so their errors name them as the library's do.
    const body = await bodyAs(
      ctx,
      z.custom<Record<string, unknown>>(isPlainObject, "must be a JSON object"),
      "plan",
    );
    if (!Object.hasOwn(body, "users")) return json(planExperiment(body as PlanInput));
    const { users, ...design } = body;
    if (Object.hasOwn(design, "mde")) {
      throw ValidationError.field(
        ["users"],
        "give mde (the users needed) or users (the detectable effect), not both",
        "plan",
      );
    }
    // Checked here so that the error names `users`, not the library's `totalUsers`.
    if (typeof users !== "number" || !(users > 0) || !Number.isFinite(users)) {
      throw ValidationError.field(["users"], "must be a positive number", "plan");
    }
    return json(detectableEffect({ ...design, totalUsers: users } as DetectableEffectInput));
  });
}
