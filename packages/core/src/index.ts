/**
 * @abkit/core: the experimentation engine. Domain schemas, the targeting condition language,
 * GrowthBook-compatible bucketing, the experiment lifecycle, evaluation, and the `Store`
 * contract every storage adapter implements.
 */

export * from "./accounts/index.js";
export type { CounterIncrement } from "./aggregation/counters.js";
export {
  aggregatedMetrics,
  aggregatesFromCounters,
  counterId,
  logSummariesFromCounters,
  sliceValues,
} from "./aggregation/counters.js";
export type { AssignmentPlan, PlannedAssignment } from "./aggregation/planAssignments.js";
export { planAssignments } from "./aggregation/planAssignments.js";
export type {
  DayTotalIncrement,
  EventBatchState,
  EventPlan,
  EventReads,
  RunningTotal,
  StoredAssignment,
  TotalUpdate,
} from "./aggregation/planEvents.js";
export { eventReads, planEvents } from "./aggregation/planEvents.js";
export { planLog } from "./aggregation/planLog.js";
export { planScore } from "./aggregation/planScore.js";
export type { SliceOf } from "./aggregation/slices.js";
export {
  dimensionValue,
  isValueSlice,
  MAX_DIMENSION_VALUE_BYTES,
  MAX_DIMENSION_VALUE_CHARS,
  MAX_SLICE_VALUES,
  NONE_SLICE,
  OTHER_SLICE,
  sliceKey,
  sliceOf,
} from "./aggregation/slices.js";
export type { BucketRange, NamespaceTuple } from "./bucketing/index.js";
export {
  chooseVariation,
  getBucketRanges,
  getEqualWeights,
  hash,
  inNamespace,
} from "./bucketing/index.js";
export type { Attributes, Condition, SavedGroups } from "./conditions/index.js";
export { evalCondition } from "./conditions/index.js";
export type {
  Abkit,
  AbkitOptions,
  Adjustment,
  ArmEstimate,
  AutopilotOutcome,
  AutopilotRead,
  BanditResults,
  BayesianComparison,
  Comparison,
  ConversionInput,
  CupedComparison,
  EvaluateFlagsOptions,
  EvaluateFlagsResult,
  EvaluateOptions,
  EvaluateResult,
  EvaluationReason,
  EventDay,
  ExperimentResults,
  ExperimentsApi,
  ExposureDay,
  FlagEvaluation,
  FlagLookup,
  FlagReason,
  FlagsApi,
  GuardrailArms,
  GuardrailStatus,
  GuardrailVerdict,
  GuardrailViolation,
  HoldoutInput,
  HoldoutsApi,
  KeyCreateInput,
  KeysApi,
  LogMetricVariant,
  LogsPageOptions,
  LogsQueryOptions,
  LogsQueryPage,
  MetricResult,
  MetricRow,
  MetricVerdict,
  MultipleTesting,
  PeekResult,
  ResultsOptions,
  SameInputOptions,
  ScoreOptions,
  ScoreResult,
  SegmentsApi,
  VariantMetricResult,
  Verdict,
} from "./engine/index.js";
export {
  AUTOPILOT_RULES,
  BANDIT_HISTORY_LIMIT,
  banditWeights,
  buildResults,
  createAbkit,
  holdoutInputSchema,
  MAX_LOGS_SCANNED,
  MAX_SCORE_BATCH,
  priceExecution,
  readAutopilot,
} from "./engine/index.js";
export * from "./errors/index.js";
export type { IdPrefix } from "./ids.js";
export { newId } from "./ids.js";
export * from "./lifecycle/index.js";
export * from "./schema/index.js";
// The tests a reader of results may call; their building blocks (distributions, special
// functions, moments, seeded random draws) are at the "@abkit/core/stats" subpath.
export type {
  AbsoluteEffect,
  BayesianOptions,
  BayesianResult,
  CupedResult,
  CupedSide,
  DetectableEffect,
  DetectableEffectInput,
  ExperimentPlan,
  Interval,
  MeanSide,
  NormalPosterior,
  PlanInput,
  Posterior,
  ProportionSide,
  RatioResult,
  RatioSide,
  RelativeEffect,
  RelativeInput,
  RelativeReference,
  SequentialInterval,
  SequentialOptions,
  SketchBuckets,
  SrmResult,
  TestOptions,
  TestResult,
} from "./stats/index.js";
export {
  bayesianBinomial,
  bayesianNormal,
  benjaminiHochbergAdjust,
  chanceToBeatControl,
  chanceToBeatControlNormal,
  chanceToBeBest,
  cupedTest,
  detectableEffect,
  detectableInputSchema,
  holmAdjust,
  mergeSketches,
  oneSidedSequentialBounds,
  planExperiment,
  planInputSchema,
  proportionOneSidedSequentialBounds,
  proportionSequentialInterval,
  proportionTest,
  ratioTest,
  relativeEffect,
  SKETCH_RELATIVE_ERROR,
  SRM_THRESHOLD,
  sequentialInterval,
  sketchBucket,
  sketchQuantile,
  srmTest,
  welchTest,
} from "./stats/index.js";
export {
  capped,
  crossPair,
  crossPartners,
  declaredIn,
  emptyAggregates,
  metricCap,
} from "./store/aggregates.js";
export { dayRange, exposureDay } from "./store/days.js";
export type { StoreDefinition, StoreMethods } from "./store/defineStore.js";
export { defineStore } from "./store/defineStore.js";
export { checkDefinitionId, checkDefinitionRevision } from "./store/definitionChecks.js";
export {
  checkEntityTotalsRequests,
  MAX_ENTITY_TOTALS_DAYS,
  MAX_ENTITY_TOTALS_METRICS,
  MAX_ENTITY_TOTALS_REQUESTS,
} from "./store/entityTotalsChecks.js";
export { ownEntry } from "./store/ownEntry.js";
export {
  checkAssignmentRecords,
  checkEventRecords,
  checkScoreRecord,
} from "./store/recordChecks.js";
export type {
  AccountStore,
  ApplyEventsResult,
  AssignmentRecord,
  AttachScoreResult,
  CovariateAggregate,
  CovariateProduct,
  DefinitionKind,
  DefinitionKinds,
  DefinitionOf,
  DefinitionStore,
  DefinitionsSnapshot,
  EntityTotalsRequest,
  EventStore,
  ExperimentAggregates,
  LogMetricSummary,
  LogPage,
  LogPageRequest,
  LogStore,
  LogSummaries,
  MetricAggregate,
  MetricDayAggregate,
  SliceAggregates,
  Store,
  StoreCapabilities,
} from "./store.js";
export type { StoreLocation } from "./storeUrl.js";
export { parseStoreUrl } from "./storeUrl.js";
