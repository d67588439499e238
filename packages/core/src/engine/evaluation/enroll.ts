import { chooseVariation, hash, inNamespace } from "../../bucketing/index.js";
import { type Attributes, evalCondition } from "../../conditions/index.js";
import type { CompiledExperiment } from "./compile.js";

/** Why an evaluation returned what it did. */
export type EvaluationReason =
  | "assigned"
  | "sticky"
  | "override"
  | "shipped"
  | "unknown_experiment"
  | "not_running"
  | "environment_mismatch"
  | "no_segment_match"
  | "outside_namespace"
  | "outside_coverage"
  | "holdout";

/** The outcome of running an entity through an experiment's enrollment rules. */
export type Enrollment =
  | { enrolled: true; variantIndex: number; reason: "assigned" | "override" }
  | { enrolled: false; reason: EvaluationReason };

/**
 * Decides, from definitions alone, whether an entity enters a running experiment and which
 * variant it gets: overrides first, then segments (any must match), namespace, and the
 * hash-based bucket (which carries coverage). No I/O: stickiness is the caller's concern.
 */
export function enroll(
  compiled: CompiledExperiment,
  entityId: string,
  properties: Attributes,
  environment: string,
): Enrollment {
  const { experiment } = compiled;
  if (experiment.status !== "running") return { enrolled: false, reason: "not_running" };
  if (experiment.environment !== environment) {
    return { enrolled: false, reason: "environment_mismatch" };
  }
  const forced = compiled.overrides.get(entityId);
  if (forced !== undefined) return { enrolled: true, variantIndex: forced, reason: "override" };
  if (compiled.segmentConditions !== null && !matchesAny(properties, compiled.segmentConditions)) {
    return { enrolled: false, reason: "no_segment_match" };
  }
  if (compiled.namespace !== null && !inNamespace(entityId, compiled.namespace)) {
    return { enrolled: false, reason: "outside_namespace" };
  }
  const n = hash(experiment.hashSeed, entityId, experiment.hashVersion);
  const variantIndex = n === null ? -1 : chooseVariation(n, compiled.ranges);
  if (variantIndex < 0) return { enrolled: false, reason: "outside_coverage" };
  return { enrolled: true, variantIndex, reason: "assigned" };
}

// --- Internal helpers ---

function matchesAny(
  properties: Attributes,
  conditions: CompiledExperiment["segmentConditions"] & {},
) {
  for (const condition of conditions) {
    if (evalCondition(properties, condition)) return true;
  }
  return false;
}
