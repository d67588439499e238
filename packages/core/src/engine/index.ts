/**
 * The engine `createAbkit` assembles, in four parts:
 * - `evaluation/`: definitions compiled and cached in process, and the decisions read from
 *   them (evaluate, peek, flags, holdouts);
 * - `tracking/`: events, conversions and execution logs, and the write-behind of assignments;
 * - `results/`: aggregates turned into per-metric statistics, and bandit reweighting;
 * - `admin/`: changes to experiments, flags, segments, holdouts and API keys.
 * `context.ts` is what the parts share; `arguments.ts` checks what public methods are passed.
 */
export type { ExperimentsApi } from "./admin/experimentsApi.js";
export type { FlagsApi } from "./admin/flagsApi.js";
export type { HoldoutInput, HoldoutsApi } from "./admin/holdoutsApi.js";
export { holdoutInputSchema } from "./admin/holdoutsApi.js";
export type { KeyCreateInput, KeysApi } from "./admin/keysApi.js";
export type { SegmentsApi } from "./admin/segmentsApi.js";
export type { AutopilotRead } from "./autopilot/autopilotRead.js";
export { AUTOPILOT_RULES, readAutopilot } from "./autopilot/autopilotRead.js";
export type { AutopilotOutcome } from "./autopilot/runAutopilot.js";
export type { Abkit, AbkitOptions } from "./createAbkit.js";
export { createAbkit } from "./createAbkit.js";
export type { EvaluationReason } from "./evaluation/enroll.js";
export type { EvaluateOptions, EvaluateResult, PeekResult } from "./evaluation/evaluate.js";
export type {
  EvaluateFlagsOptions,
  EvaluateFlagsResult,
  FlagEvaluation,
  FlagReason,
} from "./evaluation/evaluateFlags.js";
export type { FlagLookup } from "./evaluation/flagLookup.js";
export { BANDIT_HISTORY_LIMIT, banditWeights } from "./results/bandit.js";
export { buildResults } from "./results/buildResults.js";
export type {
  ArmEstimate,
  GuardrailArms,
  GuardrailStatus,
  GuardrailVerdict,
} from "./results/guardrails.js";
export type { MetricRow } from "./results/metricRows.js";
export type { EventDay, ExposureDay } from "./results/overTime.js";
export type {
  Adjustment,
  BanditResults,
  BayesianComparison,
  Comparison,
  CupedComparison,
  DimensionResult,
  EffectDay,
  ExperimentResults,
  GuardrailViolation,
  LogComparison,
  LogMetricVariant,
  MetricResult,
  MetricVerdict,
  MultipleTesting,
  ResultsOptions,
  SliceResult,
  VariantMetricResult,
  Verdict,
} from "./results/resultTypes.js";
export type { LogsPageOptions } from "./tracking/listLogs.js";
export type { LogsQueryOptions, LogsQueryPage } from "./tracking/logQuery.js";
export { MAX_LOGS_SCANNED } from "./tracking/logQuery.js";
export { priceExecution } from "./tracking/pricing.js";
export type { SameInputOptions } from "./tracking/sameInputLogs.js";
export type { ScoreOptions, ScoreResult } from "./tracking/scoreLogs.js";
export { MAX_SCORE_BATCH } from "./tracking/scoreLogs.js";
export type { ConversionInput } from "./tracking/track.js";
