/**
 * @abkit/core: the experimentation engine. Domain schemas, the targeting condition language,
 * GrowthBook-compatible bucketing, the experiment lifecycle, evaluation, and the `Store`
 * contract every storage adapter implements.
 */

export * from "./accounts/index.js";
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
export * from "./engine/index.js";
export * from "./errors/index.js";
export type { IdPrefix } from "./ids.js";
export { newId } from "./ids.js";
export * from "./lifecycle/index.js";
export * from "./schema/index.js";
export * from "./stats/index.js";
export type {
  AccountStore,
  ApplyEventsResult,
  AssignmentRecord,
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
  Store,
  StoreCapabilities,
} from "./store.js";
export {
  aggregateDelta,
  checkAssignmentRecords,
  checkDefinitionId,
  checkDefinitionRevision,
  checkEntityTotalsRequests,
  checkEventRecords,
  crossPair,
  crossPartners,
  dayRange,
  declaredIn,
  emptyAggregates,
  exposureDay,
  MAX_ENTITY_TOTALS_DAYS,
  MAX_ENTITY_TOTALS_METRICS,
  MAX_ENTITY_TOTALS_REQUESTS,
  ownEntry,
} from "./storeHelpers.js";
export type { StoreLocation } from "./storeUrl.js";
export { parseStoreUrl } from "./storeUrl.js";
