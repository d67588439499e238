export { BANDIT_HISTORY_LIMIT, banditWeights } from "./bandit.js";
export type {
  BanditResults,
  Comparison,
  CupedComparison,
  ExperimentResults,
  GuardrailViolation,
  LogMetricVariant,
  MetricResult,
  MultipleTesting,
  ResultsOptions,
  VariantMetricResult,
} from "./buildResults.js";
export { buildResults } from "./buildResults.js";
export type { Abkit, AbkitOptions } from "./createAbkit.js";
export { createAbkit } from "./createAbkit.js";
export type { EvaluationReason } from "./enroll.js";
export type { EvaluateOptions, EvaluateResult, PeekResult } from "./evaluate.js";
export type {
  EvaluateFlagsOptions,
  EvaluateFlagsResult,
  FlagEvaluation,
  FlagReason,
} from "./evaluateFlags.js";
export type { ExperimentsApi } from "./experimentsApi.js";
export type { ExposureDay } from "./exposuresOverTime.js";
export type { FlagLookup } from "./flagLookup.js";
export type { FlagsApi } from "./flagsApi.js";
export type { GuardrailStatus, GuardrailVerdict } from "./guardrails.js";
export type { HoldoutInput, HoldoutsApi } from "./holdoutsApi.js";
export { holdoutInputSchema } from "./holdoutsApi.js";
export type { KeyCreateInput, KeysApi } from "./keysApi.js";
export type { LogsPageOptions } from "./logs.js";
export type { MetricRow } from "./metricRows.js";
export type { SegmentsApi } from "./segmentsApi.js";
export type { ConversionInput } from "./track.js";
