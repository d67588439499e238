import { type Abkit, type FlagEvaluation, isAbkitError } from "@abkit/core";
import {
  ErrorCode,
  type EvaluationContext,
  type FlagMetadata,
  type JsonValue,
  type ResolutionDetails,
  type ResolutionReason,
  StandardResolutionReasons,
} from "@openfeature/server-sdk";

/** The OpenFeature flag types a provider resolves. */
export type RequestedType = "boolean" | "string" | "number" | "object";

const REASONS: Record<FlagEvaluation["reason"], ResolutionReason> = {
  experiment: StandardResolutionReasons.SPLIT,
  rule: StandardResolutionReasons.TARGETING_MATCH,
  default: StandardResolutionReasons.DEFAULT,
  disabled: StandardResolutionReasons.DISABLED,
  // A held-out entity is served the flag's default, on purpose.
  holdout: StandardResolutionReasons.DEFAULT,
};

/**
 * Resolves one flag through `abkit.evaluateFlag`: the context (without `targetingKey`) is the
 * abkit context, `targetingKey` the entity id. Never throws: failures come back as the
 * caller's default with reason `ERROR` and an `errorCode`.
 *
 * @example
 * const details = await resolveFlag(abkit, "checkout_flow", "string", "control", { targetingKey: "usr_1" });
 * details.reason; // "SPLIT" when a running experiment chose the value
 */
export async function resolveFlag<T>(
  abkit: Abkit,
  flagKey: string,
  type: RequestedType,
  defaultValue: T,
  context: EvaluationContext,
): Promise<ResolutionDetails<T>> {
  let evaluation: FlagEvaluation | null;
  try {
    const { targetingKey, ...attributes } = context;
    evaluation = await abkit.evaluateFlag(flagKey, {
      context: attributes,
      ...(typeof targetingKey === "string" && targetingKey !== ""
        ? { entityId: targetingKey }
        : {}),
    });
  } catch (error) {
    const code =
      isAbkitError(error) && error.code === "validation_failed"
        ? ErrorCode.INVALID_CONTEXT
        : ErrorCode.GENERAL;
    return failure(defaultValue, code, error instanceof Error ? error.message : String(error));
  }
  if (evaluation === null) {
    return failure(defaultValue, ErrorCode.FLAG_NOT_FOUND, `abkit flag "${flagKey}" not found`);
  }
  const flagMetadata = metadataOf(evaluation);
  if (!matchesType(evaluation.value, type)) {
    return {
      ...failure(
        defaultValue,
        ErrorCode.TYPE_MISMATCH,
        `abkit flag "${flagKey}" holds ${describe(evaluation.value)}, not ${type}`,
      ),
      flagMetadata,
    };
  }
  return {
    value: evaluation.value as T,
    variant: evaluation.variantKey ?? evaluation.ruleId ?? "default",
    reason: REASONS[evaluation.reason] ?? StandardResolutionReasons.UNKNOWN,
    flagMetadata,
  };
}

// --- Internal helpers ---

function failure<T>(value: T, errorCode: ErrorCode, errorMessage: string): ResolutionDetails<T> {
  return { value, reason: StandardResolutionReasons.ERROR, errorCode, errorMessage };
}

/** `object` is a JSON object or array (OpenFeature's structure type); null matches nothing. */
function matchesType(value: JsonValue, type: RequestedType): boolean {
  if (type === "object") return typeof value === "object" && value !== null;
  return typeof value === type;
}

function describe(value: JsonValue): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function metadataOf(evaluation: FlagEvaluation): FlagMetadata {
  const metadata: FlagMetadata = { abkitReason: evaluation.reason };
  if (evaluation.experimentKey !== undefined) metadata.experimentKey = evaluation.experimentKey;
  if (evaluation.variantKey !== undefined) metadata.variantKey = evaluation.variantKey;
  if (evaluation.ruleId !== null) metadata.ruleId = evaluation.ruleId;
  return metadata;
}
