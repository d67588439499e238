import { type Attributes, evalCondition } from "../../conditions/index.js";
import { ValidationError } from "../../errors/ValidationError.js";
import type { JsonValue } from "../../schema/common.js";
import type { Flag } from "../../schema/flag.js";
import { checkKey, checkObject } from "../arguments.js";
import type { EngineContext } from "../context.js";
import { assignVariant } from "./assignVariant.js";
import type { CompiledDefinitions } from "./compile.js";
import { heldOut } from "./holdouts.js";

/** What `evaluateFlags` takes (seed 002's flags evaluate body). */
export interface EvaluateFlagsOptions {
  /** The engine's environment when omitted; attached experiments of other environments are skipped. */
  environment?: string;
  /** The entity's properties, matched by rules and experiment segments. */
  context?: Attributes;
  /** The entity bucketed by experiments; else `context.user_id`, `userId`, `entityId` or `id`. */
  entityId?: string;
}

/** How a flag's value was chosen. */
export type FlagReason = "experiment" | "rule" | "default" | "disabled" | "holdout";

/** One flag's value for the entity, with the rule or experiment that chose it. */
export interface FlagEvaluation {
  value: JsonValue;
  /** The matching rule's id; null for experiment variants and the default. */
  ruleId: string | null;
  reason: FlagReason;
  /** Set when a running attached experiment chose the value. */
  experimentKey?: string;
  variantKey?: string;
}

/** Every flag of the project, keyed by flag key. */
export interface EvaluateFlagsResult {
  flags: Record<string, FlagEvaluation>;
}

/** Evaluates every flag of the project for one entity. */
export async function evaluateFlags(
  ctx: EngineContext,
  options: EvaluateFlagsOptions = {},
): Promise<EvaluateFlagsResult> {
  ctx.assertOpen();
  const context = checkFlagsOptions(options);
  const defs = ctx.definitions.fresh() ?? (await ctx.definitions.get());
  const entityId = options.entityId ?? entityIdFrom(context);
  const environment = options.environment ?? ctx.environment;
  const flags: Record<string, FlagEvaluation> = {};
  for (const flag of defs.flagsByKey.values()) {
    flags[flag.key] = await evaluateOne(ctx, defs, flag, context, entityId, environment);
  }
  return { flags };
}

/** One flag's value for one entity, or null when the project has no such flag. */
export async function evaluateFlag(
  ctx: EngineContext,
  flagKey: string,
  options: EvaluateFlagsOptions = {},
): Promise<FlagEvaluation | null> {
  ctx.assertOpen();
  checkKey(flagKey, "flagKey", "flag evaluation");
  const context = checkFlagsOptions(options);
  const defs = ctx.definitions.fresh() ?? (await ctx.definitions.get());
  const flag = defs.flagsByKey.get(flagKey);
  if (!flag) return null;
  const entityId = options.entityId ?? entityIdFrom(context);
  return evaluateOne(ctx, defs, flag, context, entityId, options.environment ?? ctx.environment);
}

/**
 * One flag's value: a running attached experiment that enrolls the entity serves its
 * variant's config; otherwise, when the flag is enabled, the first matching rule; otherwise
 * the default value.
 */
async function evaluateOne(
  ctx: EngineContext,
  defs: CompiledDefinitions,
  flag: Flag,
  context: Attributes,
  entityId: string | undefined,
  environment: string,
): Promise<FlagEvaluation> {
  if (entityId !== undefined) {
    for (const compiled of defs.experimentsByFlag.get(flag.key) ?? []) {
      const { experiment } = compiled;
      const covered =
        defs.holdouts.length > 0 &&
        experiment.status === "running" &&
        experiment.environment === environment;
      // A held-out entity gets the flag's default, not another experiment's or a rule's value.
      if (
        covered &&
        (await heldOut(ctx, defs, experiment, entityId, context, environment, "assign"))
      ) {
        return {
          value: flag.defaultValue,
          ruleId: null,
          reason: "holdout",
          experimentKey: experiment.key,
        };
      }
      const { variant } = await assignVariant(ctx, compiled, entityId, context, environment);
      if (variant !== null) {
        return {
          value: variant.config,
          ruleId: null,
          reason: "experiment",
          experimentKey: compiled.experiment.key,
          variantKey: variant.key,
        };
      }
    }
  }
  if (!flag.enabled) return { value: flag.defaultValue, ruleId: null, reason: "disabled" };
  for (const rule of flag.rules) {
    if (evalCondition(context, rule.condition as never)) {
      return { value: rule.value, ruleId: rule.id, reason: "rule" };
    }
  }
  return { value: flag.defaultValue, ruleId: null, reason: "default" };
}

/** The entity id a flags context carries, if any. */
function entityIdFrom(context: Attributes): string | undefined {
  for (const name of ["user_id", "userId", "entityId", "id"]) {
    const value = context[name];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

// --- Internal helpers ---

// Hand-written rather than a schema: this runs on every flag evaluation.
function checkFlagsOptions(options: unknown): Attributes {
  checkObject(options, "flags evaluation options");
  const { context = {}, entityId, environment } = options as EvaluateFlagsOptions;
  if (typeof context !== "object" || context === null || Array.isArray(context)) {
    throw ValidationError.field(["context"], "must be an object", "flags evaluation");
  }
  if (entityId !== undefined && (typeof entityId !== "string" || entityId === "")) {
    throw ValidationError.field(["entityId"], "must be a non-empty string", "flags evaluation");
  }
  if (environment !== undefined && (typeof environment !== "string" || environment === "")) {
    throw ValidationError.field(["environment"], "must be a non-empty string", "flags evaluation");
  }
  return context;
}
