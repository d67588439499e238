import { dimensionValue } from "../../aggregation/slices.js";
import type { Attributes } from "../../conditions/index.js";
import { MAX_COVARIATE_VALUE } from "../../schema/event.js";
import type { Variant } from "../../schema/experiment.js";
import { ownEntry } from "../../store/ownEntry.js";
import type { EngineContext } from "../context.js";
import type { CompiledExperiment } from "./compile.js";
import { type EvaluationReason, enroll } from "./enroll.js";

/** The variant an entity gets (or null) and why. */
export interface Assigned {
  variant: Variant | null;
  reason: EvaluationReason;
}

/**
 * The engine's assignment rule: overrides win; an entity the rules enroll gets its bucket's
 * variant (queued as an assignment, no I/O); an entity they no longer enroll (its properties
 * or the targeting changed) keeps a variant stored earlier, for the life of the experiment.
 * Whether the store holds one is asked at most once per `refreshIntervalMs` per entity.
 */
export async function assignVariant(
  ctx: EngineContext,
  compiled: CompiledExperiment,
  entityId: string,
  properties: Attributes,
  environment: string,
): Promise<Assigned> {
  const { experiment } = compiled;
  const enrollment = enroll(compiled, entityId, properties, environment);
  if (enrollment.enrolled) {
    const variant = experiment.variants[enrollment.variantIndex] ?? null;
    if (enrollment.reason === "override" || variant === null) {
      return { variant, reason: enrollment.reason };
    }
    const known = ctx.assignments.lookup(experiment.id, entityId);
    if (known === variant.key) return { variant, reason: "assigned" };
    // Another process stored a different variant first (during a definitions change).
    if (known !== undefined) return stored(compiled, known);
    // A bandit's shares move, so an entity's bucket may now point elsewhere: the variant it
    // was given earlier (in any process) is asked of the store before a new one is made.
    if (experiment.bandit) {
      const earlier = await ctx.store.getAssignment(ctx.projectId, experiment.id, entityId);
      if (earlier !== null) {
        ctx.assignments.remember(experiment.id, entityId, earlier);
        return stored(compiled, earlier);
      }
    }
    const covariates = covariatesOf(compiled, properties);
    ctx.assignments.enqueue({
      projectId: ctx.projectId,
      experimentId: experiment.id,
      entityId,
      variantKey: variant.key,
      assignedAt: new Date().toISOString(),
      ...(covariates ? { covariates } : {}),
      ...(compiled.dimensions.length > 0
        ? { dimensions: dimensionsOf(compiled.dimensions, properties) }
        : {}),
      // Read from tracked history when the queue writes it: no store call on evaluate.
      ...(compiled.preCovariates.length > 0 ? { preCovariates: compiled.preCovariates } : {}),
    });
    return { variant, reason: "assigned" };
  }
  if (enrollment.reason === "not_running" || enrollment.reason === "environment_mismatch") {
    return { variant: null, reason: enrollment.reason };
  }
  // Entities targeting leaves out are most of the traffic of a targeted test: remember that
  // the store had nothing for them, as long as definitions may be stale.
  const now = Date.now();
  if (ctx.assignments.recentlyMissing(experiment.id, entityId, now)) {
    return { variant: null, reason: enrollment.reason };
  }
  const cached = ctx.assignments.lookup(experiment.id, entityId);
  if (cached !== undefined) return stored(compiled, cached);
  const known = await ctx.store.getAssignment(ctx.projectId, experiment.id, entityId);
  if (known === null) {
    ctx.assignments.rememberMissing(experiment.id, entityId, now);
    return { variant: null, reason: enrollment.reason };
  }
  ctx.assignments.remember(experiment.id, entityId, known);
  return stored(compiled, known);
}

// --- Internal helpers ---

// The CUPED covariates the entity's properties supply (finite numbers within
// MAX_COVARIATE_VALUE, so sums of squares stay finite); a missing one is read as 0 by the
// results, which keeps the estimate unbiased.
function covariatesOf(
  compiled: CompiledExperiment,
  properties: Attributes,
): Record<string, number> | null {
  if (compiled.covariates.length === 0) return null;
  const values: Record<string, number> = {};
  let found = false;
  for (const name of compiled.covariates) {
    const value = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (typeof value === "number" && Math.abs(value) <= MAX_COVARIATE_VALUE) {
      values[name] = value;
      found = true;
    }
  }
  return found ? values : null;
}

// Each dimension's value at first exposure (null: the `none` slice), as `dimensionValue` reads it.
function dimensionsOf(names: string[], properties: Attributes): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const name of names) {
    const value = dimensionValue(Object.hasOwn(properties, name) ? properties[name] : undefined);
    ownEntry(values, name, () => value);
  }
  return values;
}

function stored(compiled: CompiledExperiment, variantKey: string): Assigned {
  const variant = compiled.experiment.variants.find((candidate) => candidate.key === variantKey);
  return variant ? { variant, reason: "sticky" } : { variant: null, reason: "not_running" };
}

/** What `peek` found: the variant and why, and whether an assignment is already stored. */
export interface Peeked extends Assigned {
  assigned: boolean;
}

/**
 * The variant an entity has, or would get, without recording anything: an override, else a
 * stored assignment, else what the enrollment rules would give it now.
 */
export async function peekVariant(
  ctx: EngineContext,
  compiled: CompiledExperiment,
  entityId: string,
  properties: Attributes,
  environment: string,
): Promise<Peeked> {
  const enrollment = enroll(compiled, entityId, properties, environment);
  if (
    !enrollment.enrolled &&
    (enrollment.reason === "not_running" || enrollment.reason === "environment_mismatch")
  ) {
    return { variant: null, reason: enrollment.reason, assigned: false };
  }
  if (enrollment.enrolled && enrollment.reason === "override") {
    return {
      variant: compiled.experiment.variants[enrollment.variantIndex] ?? null,
      reason: "override",
      assigned: false,
    };
  }
  const { experiment } = compiled;
  const storedKey =
    ctx.assignments.lookup(experiment.id, entityId) ??
    (await ctx.store.getAssignment(ctx.projectId, experiment.id, entityId));
  if (storedKey !== null && storedKey !== undefined)
    return { ...stored(compiled, storedKey), assigned: true };
  if (!enrollment.enrolled) return { variant: null, reason: enrollment.reason, assigned: false };
  return {
    variant: experiment.variants[enrollment.variantIndex] ?? null,
    reason: "assigned",
    assigned: false,
  };
}
