import { type Abkit, type Flag, type FlagEvaluation, isAbkitError } from "@abkit/core";
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

// Statuses in which an experiment never serves a flag's values again.
const ENDED = new Set(["stopped", "shipped"]);

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
  try {
    return await resolveOrThrow(abkit, flagKey, type, defaultValue, context);
  } catch (error) {
    const code =
      isAbkitError(error) && error.code === "validation_failed"
        ? ErrorCode.INVALID_CONTEXT
        : ErrorCode.GENERAL;
    return failure(defaultValue, code, error instanceof Error ? error.message : String(error));
  }
}

async function resolveOrThrow<T>(
  abkit: Abkit,
  flagKey: string,
  type: RequestedType,
  defaultValue: T,
  context: EvaluationContext,
): Promise<ResolutionDetails<T>> {
  const { targetingKey, ...attributes } = context;
  const evaluation = await abkit.evaluateFlag(flagKey, {
    context: attributes,
    ...(typeof targetingKey === "string" && targetingKey !== "" ? { entityId: targetingKey } : {}),
  });
  if (evaluation === null) {
    return failure(
      defaultValue,
      ErrorCode.FLAG_NOT_FOUND,
      `flag ${flagKey} not found in abkit project "${abkit.project}"`,
    );
  }
  const flagMetadata = metadataOf(evaluation);
  if (evaluation.reason === "disabled") {
    // OpenFeature: a disabled flag resolves to the caller's default.
    return { value: defaultValue, reason: StandardResolutionReasons.DISABLED, flagMetadata };
  }
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
  // Served from the definitions evaluateFlag just read: no store round trip.
  const flag = await abkit.flags.get(flagKey);
  return {
    value: evaluation.value as T,
    variant: variantOf(evaluation, flag),
    reason: await reasonOf(abkit, evaluation, flag),
    flagMetadata,
  };
}
// --- Internal helpers ---

/** The named variant: the experiment's variant key, else the rule's or default's name. */
function variantOf(evaluation: FlagEvaluation, flag: Flag | null): string {
  if (evaluation.variantKey !== undefined) return evaluation.variantKey;
  if (evaluation.ruleId !== null) {
    const rule = flag?.rules.find((candidate) => candidate.id === evaluation.ruleId);
    return rule?.variant ?? evaluation.ruleId;
  }
  return flag?.defaultVariant ?? "default";
}

/**
 * `STATIC` when the default is served by a flag that cannot serve anything else (no rules,
 * no experiment attached that runs or may run); otherwise abkit's reason mapped.
 */
async function reasonOf(
  abkit: Abkit,
  evaluation: FlagEvaluation,
  flag: Flag | null,
): Promise<ResolutionReason> {
  if (evaluation.reason === "default" && flag !== null && flag.rules.length === 0) {
    const experiments = await abkit.flags.experiments(flag.key);
    if (experiments.every((experiment) => ENDED.has(experiment.status))) {
      return StandardResolutionReasons.STATIC;
    }
  }
  return REASONS[evaluation.reason] ?? StandardResolutionReasons.UNKNOWN;
}

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
