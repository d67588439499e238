import { flagRuleSchema, flagTypeSchema, isAbkitError, jsonSchema, keySchema } from "@abkit/core";
import * as z from "zod";
import type { RequestContext } from "../context.js";
import type { Router } from "../router.js";
import { findFlag, findFlagExperiment, flagExperimentJson, flagJson } from "./flagShapes.js";
import { queryAs, snakeProjectQuery } from "./query.js";
import { bodyAs, json, jsonObjectSchema } from "./shared.js";

const createFlagSchema = z.object({
  project_id: z.string().optional(),
  key: keySchema,
  name: z.string().max(200).optional(),
  flag_type: flagTypeSchema,
  default_value: jsonSchema,
  default_variant: keySchema.optional(),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().optional(),
  rules: z.array(flagRuleSchema).optional(),
});

const updateFlagSchema = z.object({
  project_id: z.string().optional(),
  name: z.string().max(200).optional(),
  default_value: jsonSchema.optional(),
  default_variant: keySchema.optional(),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().optional(),
  rules: z.array(flagRuleSchema).optional(),
});

const createExperimentSchema = z.object({
  project_id: z.string().optional(),
  key: keySchema.optional(),
  name: z.string().min(1).max(200),
  environment: z.string().min(1).max(64).optional(),
  variants: z.array(z.object({ key: keySchema, value: jsonSchema, percentage: z.number() })).min(2),
});

const evaluateSchema = z.object({
  project_id: z.string().optional(),
  environment: z.string().min(1).max(64).optional(),
  context: jsonObjectSchema.default({}),
});

const trackSchema = z.object({
  project_id: z.string().optional(),
  flag_id: z.string().min(1).optional(),
  experiment_id: z.string().min(1).optional(),
  user_id: z.string().min(1).max(256),
});

const projectQuery = (ctx: RequestContext) => queryAs(ctx, snakeProjectQuery).project_id;

/** Seed 002: flags with experiments, snake_case bodies in `data` envelopes. */
export function flagRoutes(router: Router<RequestContext>): void {
  router.add("POST", "/api/v1/flags/evaluate", async (ctx) => {
    const auth = await ctx.authorize("sdk");
    const body = await bodyAs(ctx, evaluateSchema, "flags evaluate request");
    const abkit = await auth.project(body.project_id);
    const { flags } = await abkit.evaluateFlags({
      context: body.context,
      ...(body.environment ? { environment: body.environment } : {}),
    });
    const shaped: Record<string, { value: unknown; rule_id: string | null }> = {};
    for (const [key, evaluation] of Object.entries(flags)) {
      Object.defineProperty(shaped, key, {
        value: { value: evaluation.value, rule_id: evaluation.ruleId },
        enumerable: true,
      });
    }
    return json({ flags: shaped });
  });

  router.add("POST", "/api/v1/flags/track", async (ctx) => {
    const auth = await ctx.authorize("sdk");
    const body = await bodyAs(ctx, trackSchema, "flags track request");
    const abkit = await auth.project(body.project_id);
    const flag = body.flag_id ? await findFlag(abkit, body.flag_id) : undefined;
    await abkit.trackConversion({
      userId: body.user_id,
      ...(body.experiment_id
        ? {
            experimentId: flag
              ? (await findFlagExperiment(abkit, flag, body.experiment_id)).id
              : body.experiment_id,
          }
        : {}),
      ...(flag ? { flagKey: flag.key } : {}),
    });
    return json({ data: { ok: true } });
  });

  router.add("POST", "/api/v1/flags", async (ctx) => {
    const auth = await ctx.authorize("admin");
    const body = await bodyAs(ctx, createFlagSchema, "flag");
    const abkit = await auth.project(body.project_id);
    const flag = await abkit.flags.create({
      key: body.key,
      type: body.flag_type,
      defaultValue: body.default_value,
      ...(body.default_variant === undefined ? {} : { defaultVariant: body.default_variant }),
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      ...(body.rules === undefined ? {} : { rules: body.rules }),
    });
    return json({ data: flagJson(flag) }, 201);
  });

  router.add("GET", "/api/v1/flags", async (ctx) => {
    const abkit = await (await ctx.authorize("admin")).project(projectQuery(ctx));
    return json({ data: (await abkit.flags.list()).map(flagJson) });
  });

  router.add("GET", "/api/v1/flags/:flagId", async (ctx, { flagId = "" }) => {
    const abkit = await (await ctx.authorize("admin")).project(projectQuery(ctx));
    return json({ data: flagJson(await findFlag(abkit, flagId)) });
  });

  router.add("PATCH", "/api/v1/flags/:flagId", async (ctx, { flagId = "" }) => {
    const auth = await ctx.authorize("admin");
    const body = await bodyAs(ctx, updateFlagSchema, "flag patch");
    const abkit = await auth.project(body.project_id);
    const flag = await findFlag(abkit, flagId);
    const { project_id: _, default_value, default_variant, ...rest } = body;
    const updated = await abkit.flags.update(flag.key, {
      ...rest,
      ...(default_value === undefined ? {} : { defaultValue: default_value }),
      ...(default_variant === undefined ? {} : { defaultVariant: default_variant }),
    });
    return json({ data: flagJson(updated) });
  });

  router.add("GET", "/api/v1/flags/:flagId/experiments", async (ctx, { flagId = "" }) => {
    const abkit = await (await ctx.authorize("admin")).project(projectQuery(ctx));
    const flag = await findFlag(abkit, flagId);
    const experiments = await abkit.flags.experiments(flag.key);
    const shaped = await Promise.all(
      experiments.map(async (experiment) =>
        flagExperimentJson(experiment, flag, await abkit.conversions(experiment.key)),
      ),
    );
    return json({ data: shaped });
  });

  router.add("POST", "/api/v1/flags/:flagId/experiments", async (ctx, { flagId = "" }) => {
    const auth = await ctx.authorize("admin");
    const body = await bodyAs(ctx, createExperimentSchema, "experiment");
    const abkit = await auth.project(body.project_id);
    const flag = await findFlag(abkit, flagId);
    const experiment = await createWithFreeKey(
      body.key ?? slugOf(body.name),
      body.key !== undefined,
      (key) =>
        abkit.experiments.create({
          key,
          name: body.name,
          flagKey: flag.key,
          ...(body.environment ? { environment: body.environment } : {}),
          variants: body.variants.map((variant) => ({
            key: variant.key,
            weight: variant.percentage,
            config: variant.value,
          })),
          metrics: [{ name: "conversion", kind: "binomial", primary: true }],
        }),
    );
    return json({ data: flagExperimentJson(experiment, flag, 0) }, 201);
  });

  router.add(
    "GET",
    "/api/v1/flags/:flagId/experiments/:id",
    async (ctx, { flagId = "", id = "" }) => {
      const abkit = await (await ctx.authorize("admin")).project(projectQuery(ctx));
      const flag = await findFlag(abkit, flagId);
      const experiment = await findFlagExperiment(abkit, flag, id);
      return json({
        data: flagExperimentJson(experiment, flag, await abkit.conversions(experiment.key)),
      });
    },
  );

  for (const action of ["start", "stop"] as const) {
    router.add(
      "POST",
      `/api/v1/flags/:flagId/experiments/:id/${action}`,
      async (ctx, { flagId = "", id = "" }) => {
        const abkit = await (await ctx.authorize("admin")).project(projectQuery(ctx));
        const flag = await findFlag(abkit, flagId);
        const experiment = await findFlagExperiment(abkit, flag, id);
        const moved = await abkit.experiments[action](experiment.key);
        return json({ data: { id: moved.id, status: moved.status } });
      },
    );
  }
}

// --- Internal helpers ---

// Seed 002's experiments have names, not keys: the key is made from the name.
function slugOf(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
  return slug === "" ? "experiment" : slug;
}

async function createWithFreeKey<T>(
  base: string,
  exact: boolean,
  create: (key: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create(attempt === 1 ? base : `${base}-${attempt}`);
    } catch (error) {
      const taken = isAbkitError(error) && error.code === "conflict";
      if (exact || !taken || attempt >= 50) throw error;
    }
  }
}
