import { type Attributes, evalCondition } from "../../conditions/index.js";
import type { Variant } from "../../schema/experiment.js";
import type { CompiledExperiment } from "./compile.js";
import type { EvaluationReason } from "./enroll.js";

/**
 * What a shipped experiment serves: its shipped variant to every entity of its environment
 * that matches its segments (if it names any). Coverage, namespace, overrides and stored
 * assignments no longer apply, and nothing is recorded: there is nothing left to measure.
 *
 * @example
 * servedWhenShipped(compiled, { country: "ES" }, "production");
 * // { variant: { key: "B", config: {...} }, reason: "shipped" }
 */
export function servedWhenShipped(
  compiled: CompiledExperiment,
  properties: Attributes,
  environment: string,
): { variant: Variant | null; reason: EvaluationReason } {
  const { experiment, segmentConditions } = compiled;
  if (experiment.environment !== environment) {
    return { variant: null, reason: "environment_mismatch" };
  }
  if (
    segmentConditions !== null &&
    !segmentConditions.some((condition) => evalCondition(properties, condition))
  ) {
    return { variant: null, reason: "no_segment_match" };
  }
  const key = experiment.shipped?.variantKey;
  const variant = experiment.variants.find((entry) => entry.key === key) ?? null;
  return variant ? { variant, reason: "shipped" } : { variant: null, reason: "not_running" };
}
