import type { Attributes } from "../../conditions/index.js";
import { ValidationError } from "../../errors/ValidationError.js";
import type { JsonValue } from "../../schema/common.js";
import type { Experiment } from "../../schema/experiment.js";
import { checkObject } from "../arguments.js";
import type { EngineContext } from "../context.js";
import { assignVariant, peekVariant } from "./assignVariant.js";
import type { CompiledExperiment } from "./compile.js";
import type { EvaluationReason } from "./enroll.js";
import { heldOut } from "./holdouts.js";
import { servedWhenShipped } from "./shipped.js";

/** What `evaluate` takes (seed 000's evaluate body, plus an optional environment). */
export interface EvaluateOptions {
  experimentKey: string;
  entityId: string;
  /** The entity's properties, matched against the experiment's segments. */
  properties?: Attributes;
  /** The engine's environment when omitted. */
  environment?: string;
}

/** The variant an entity gets; `variantKey` and `config` are null when it is not in the test. */
export interface EvaluateResult<C = JsonValue> {
  experimentKey: string;
  variantKey: string | null;
  config: C | null;
  /** Why: `assigned`, `sticky`, `override`, `shipped`, or why the entity is not in the test. */
  reason: EvaluationReason;
}

/** What `peek` returns: `evaluate`'s answer, and whether the entity already has an assignment. */
export interface PeekResult<C = JsonValue> extends EvaluateResult<C> {
  /** True when the variant is one stored earlier; false when it is what evaluate would assign. */
  assigned: boolean;
}

/**
 * The variant an entity has or would get, recording nothing: no assignment, no exposure.
 * For admin tools and previews.
 */
export async function peekExperiment<C>(
  ctx: EngineContext,
  options: EvaluateOptions,
): Promise<PeekResult<C>> {
  ctx.assertOpen();
  checkObject(options, "evaluate options");
  const { experimentKey, entityId } = options;
  const properties = options.properties ?? {};
  checkEvaluateOptions(experimentKey, entityId, properties, options.environment);
  const defs = await ctx.definitions.get();
  const compiled = defs.experimentsByKey.get(experimentKey);
  if (compiled === undefined) {
    return {
      experimentKey,
      variantKey: null,
      config: null,
      reason: "unknown_experiment",
      assigned: false,
    };
  }
  const environment = options.environment ?? ctx.environment;
  if (compiled.experiment.status === "shipped") {
    return { ...shippedResult<C>(compiled, properties, environment), assigned: false };
  }
  if (
    defs.holdouts.length > 0 &&
    coveredNow(compiled.experiment, environment) &&
    (await heldOut(ctx, defs, compiled.experiment, entityId, properties, environment, "peek"))
  ) {
    return { experimentKey, variantKey: null, config: null, reason: "holdout", assigned: false };
  }
  const { variant, reason, assigned } = await peekVariant(
    ctx,
    compiled,
    entityId,
    properties,
    environment,
  );
  return variant === null
    ? { experimentKey, variantKey: null, config: null, reason, assigned }
    : { experimentKey, variantKey: variant.key, config: variant.config as C, reason, assigned };
}

/** Evaluates one experiment for one entity; never throws for the null cases. */
export async function evaluateExperiment<C>(
  ctx: EngineContext,
  options: EvaluateOptions,
): Promise<EvaluateResult<C>> {
  ctx.assertOpen();
  checkObject(options, "evaluate options");
  const { experimentKey, entityId } = options;
  const properties = options.properties ?? {};
  checkEvaluateOptions(experimentKey, entityId, properties, options.environment);
  const defs = ctx.definitions.fresh() ?? (await ctx.definitions.get());
  const compiled = defs.experimentsByKey.get(experimentKey);
  if (compiled === undefined) {
    return { experimentKey, variantKey: null, config: null, reason: "unknown_experiment" };
  }
  const environment = options.environment ?? ctx.environment;
  if (compiled.experiment.status === "shipped") {
    return shippedResult<C>(compiled, properties, environment);
  }
  // Checked before calling out: evaluate is the hot path, and most projects have no holdout.
  if (
    defs.holdouts.length > 0 &&
    coveredNow(compiled.experiment, environment) &&
    (await heldOut(ctx, defs, compiled.experiment, entityId, properties, environment, "assign"))
  ) {
    return { experimentKey, variantKey: null, config: null, reason: "holdout" };
  }
  const { variant, reason } = await assignVariant(ctx, compiled, entityId, properties, environment);
  return variant === null
    ? { experimentKey, variantKey: null, config: null, reason }
    : { experimentKey, variantKey: variant.key, config: variant.config as C, reason };
}

// --- Internal helpers ---

function shippedResult<C>(
  compiled: CompiledExperiment,
  properties: Attributes,
  environment: string,
): EvaluateResult<C> {
  const experimentKey = compiled.experiment.key;
  const { variant, reason } = servedWhenShipped(compiled, properties, environment);
  return variant === null
    ? { experimentKey, variantKey: null, config: null, reason }
    : { experimentKey, variantKey: variant.key, config: variant.config as C, reason };
}

// Holdouts apply where the experiment would run for this environment; elsewhere the entity
// gets nothing anyway and is not counted in the holdout.
function coveredNow(experiment: Experiment, environment: string): boolean {
  return experiment.status === "running" && experiment.environment === environment;
}

// Hand-written rather than a schema: this runs on every evaluation.
function checkEvaluateOptions(
  experimentKey: unknown,
  entityId: unknown,
  properties: unknown,
  environment: unknown,
) {
  if (typeof experimentKey !== "string" || experimentKey === "") {
    throw ValidationError.field(
      ["experimentKey"],
      "must be a non-empty string",
      "evaluate options",
    );
  }
  if (typeof entityId !== "string" || entityId === "") {
    throw ValidationError.field(["entityId"], "must be a non-empty string", "evaluate options");
  }
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
    throw ValidationError.field(["properties"], "must be an object", "evaluate options");
  }
  if (environment !== undefined && (typeof environment !== "string" || environment === "")) {
    throw ValidationError.field(["environment"], "must be a non-empty string", "evaluate options");
  }
}
