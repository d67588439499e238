export type { ApiKeyInput, ApiKeyRecord, ApiKeyScope } from "./apiKey.js";
export { apiKeyInputSchema, apiKeyScopeSchema } from "./apiKey.js";
export type {
  Autopilot,
  AutopilotDecision,
  AutopilotInput,
  DecisionFlag,
  DecisionGuardrail,
  DecisionNumbers,
  ShippedVariant,
} from "./autopilot.js";
export { autopilotPromoteSchema, autopilotSchema, DECISIONS_LIMIT } from "./autopilot.js";
export type { JsonValue } from "./common.js";
export {
  conditionSchema,
  DEFAULT_ENVIRONMENT,
  DEFAULT_PROJECT,
  environmentSchema,
  jsonSchema,
  keySchema,
  projectIdSchema,
} from "./common.js";
export type { EventInput, EventRecord } from "./event.js";
export {
  eventBatchSchema,
  eventInputSchema,
  eventValueSchema,
  MAX_AGGREGATED_METRICS,
  MAX_COVARIATE_VALUE,
  MAX_EVENT_BATCH,
  MAX_EVENT_VALUE,
} from "./event.js";
export type {
  Bandit,
  BanditRebalance,
  BanditState,
  Experiment,
  ExperimentDefinition,
  ExperimentInput,
  ExperimentNamespace,
  ExperimentPatch,
  ExperimentPlan,
  ExperimentStatus,
  Guardrail,
  Holdout,
  Metric,
  MetricDirection,
  MetricKind,
  PrePeriod,
  Pricing,
  Variant,
  VariantInput,
  VariantPricing,
} from "./experiment.js";
export {
  banditSchema,
  covariateName,
  experimentInputSchema,
  experimentPatchSchema,
  experimentPlanSchema,
  guardrailSchema,
  HOLDOUT_VARIANTS,
  holdoutSchema,
  MAX_DIMENSIONS,
  metricDirection,
  metricDirectionSchema,
  metricKindSchema,
  metricSchema,
  namespaceSchema,
  prePeriodSchema,
  pricingSchema,
  variantSchema,
} from "./experiment.js";
export type { Flag, FlagInput, FlagPatch, FlagRule, FlagRuleInput, FlagType } from "./flag.js";
export {
  flagInputSchema,
  flagPatchSchema,
  flagRuleSchema,
  flagTypeSchema,
  valueMatchesType,
} from "./flag.js";
export type { LogInput, LogRecord } from "./log.js";
export { logInputSchema } from "./log.js";
export { parseInput } from "./parse.js";
export type { Project, ProjectInput } from "./project.js";
export { projectInputSchema } from "./project.js";
export type { ScoreInput, ScoreRecord } from "./score.js";
export { MAX_SCORES_PER_LOG, scoreInputSchema } from "./score.js";
export type { Segment, SegmentInput, SegmentPatch } from "./segment.js";
export { segmentInputSchema, segmentPatchSchema } from "./segment.js";
