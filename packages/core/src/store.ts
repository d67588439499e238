import type { ApiKeyRecord } from "./schema/apiKey.js";
import type { EventRecord } from "./schema/event.js";
import type { Experiment } from "./schema/experiment.js";
import type { Flag } from "./schema/flag.js";
import type { LogRecord } from "./schema/log.js";
import type { Project } from "./schema/project.js";
import type { ScoreRecord } from "./schema/score.js";
import type { Segment } from "./schema/segment.js";
import type { SketchBuckets } from "./stats/sketch.js";

/**
 * Where abkit keeps its state. The interface is domain-shaped: a store implements the few
 * atomic operations the engine's rules need and owns no rule itself (which experiments are
 * running, what a variant is, who may see what: all decided in `@abkit/core`).
 *
 * Every method may reject with an `AbkitError`: `conflict` for a taken key or a stale
 * revision, `store_unavailable` when the backend fails (with nothing half-written),
 * `store_version_unsupported` for data written by a newer abkit. See docs/stores.md.
 */
export interface Store extends DefinitionStore, EventStore, LogStore, AccountStore {
  /** A short name for messages and metrics: `memory`, `sqlite`, `redis`, `mongodb`. */
  readonly name: string;
  /** What the backend guarantees; conformance tests skip cases a store cannot support. */
  readonly capabilities: StoreCapabilities;
  /** Releases connections and handles; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** Definitions (experiments, flags, segments) with revisions and a version counter. */
export interface DefinitionStore {
  /** The project's definitions version: a counter bumped by every definition write. Cheap. */
  definitionsVersion(projectId: string): Promise<number>;
  /** Every definition of a project with the version they were read at, in one consistent read. */
  loadDefinitions(projectId: string): Promise<DefinitionsSnapshot>;
  /**
   * Creates (`expectedRevision` 0) or replaces a definition if its stored revision equals
   * `expectedRevision`; `record.revision` is `expectedRevision + 1`. Rejects with `conflict`
   * when the key (or id) is taken on create or the revision moved on. Bumps the version;
   * returns the new one.
   */
  putDefinition<K extends DefinitionKind>(
    kind: K,
    record: DefinitionOf<K>,
    expectedRevision: number,
  ): Promise<number>;
  /** Deletes a definition at `expectedRevision` (`conflict` otherwise); returns the new version. */
  deleteDefinition(
    kind: DefinitionKind,
    projectId: string,
    key: string,
    expectedRevision: number,
  ): Promise<number>;
}

/** Assignments, event batches and the aggregates they keep. */
export interface EventStore {
  /**
   * Records each assignment unless one exists for (project, experiment, entity): the first
   * writer wins, also across processes. Counts a new one, in the same atomic unit, as an
   * exposure of its variant and in `exposuresByDay` under the UTC day of its `assignedAt`
   * (see `exposureDay`; a time that does not parse counts as an exposure only), and adds its
   * `covariates` to the variant's `CovariateAggregate`s. A bad covariate name or value
   * rejects the whole call before any write (`validation_failed`). Returns, in order, the
   * variant now stored for each (the existing one when there was one).
   */
  recordAssignments(assignments: AssignmentRecord[]): Promise<string[]>;
  /** The variant stored for (project, experiment, entity), or null. */
  getAssignment(projectId: string, experimentId: string, entityId: string): Promise<string | null>;

  /**
   * Applies a batch in one atomic unit: an event whose `idempotencyKey` the project has seen
   * (earlier or earlier in this batch) is only counted in `deduped`; every other event is
   * kept and, for each of its `experimentIds` in which its entity has an assignment, added
   * to the entity's running totals and its variant's aggregates (see `MetricAggregate`), to
   * the covariate products of the covariates kept with that assignment (`CovariateProduct`)
   * and, for each partner B in `crossMetrics[experiment]`, to `crossProducts` by
   * `value·t_u(B)`, each read through the experiment's `caps` (see `EventRecord.caps`), and
   * to `metricsByDay` under the event's UTC day. A bad value, `crossMetrics` or `caps`
   * rejects the whole batch (`validation_failed`).
   */
  applyEvents(projectId: string, events: EventRecord[]): Promise<ApplyEventsResult>;
  /**
   * Per-entity daily totals, for an entity's pre-exposure history as a CUPED covariate.
   * Every accepted event (with or without an assignment) adds its value, in the same atomic
   * unit as `applyEvents`' other work, to (project, entity, metric, `exposureDay(timestamp)`);
   * an event whose time has no day is not counted here. Returns, for each request in order,
   * metric -> Σ values of the entity's events of that metric on days d with
   * `fromDay <= d < toDay`, every requested metric present (0 without events). Requests are
   * checked before any read (`checkEntityTotalsRequests`; `validation_failed`).
   */
  readEntityTotals(
    projectId: string,
    requests: EntityTotalsRequest[],
  ): Promise<Record<string, number>[]>;
  /**
   * Exposures (in total and by UTC day) and metric aggregates of one experiment; empty maps
   * (not an error) with no data.
   */
  readAggregates(projectId: string, experimentId: string): Promise<ExperimentAggregates>;
}

/** Execution logs. */
export interface LogStore {
  /**
   * Appends a log (ids are unique store-wide: `conflict` on a repeat) and, in the same atomic
   * unit, adds each of its metrics to the summary of (experiment, variant, metric):
   * `count += 1`, `sum += value`, `sumSquares += value²`, `squared += 1`,
   * `buckets[sketchBucket(value)] += 1` (the increments of `planLog`).
   */
  appendLog(record: LogRecord): Promise<void>;
  /**
   * An experiment's logs, newest first; `before` is the `nextCursor` of the previous page.
   * Each log carries its `scores`, oldest first (`[]` without).
   */
  listLogs(projectId: string, experimentId: string, page: LogPageRequest): Promise<LogPage>;
  /** One log of the project by id, with its `scores` (oldest first), or null. */
  getLog(projectId: string, logId: string): Promise<LogRecord | null>;
  /**
   * Attaches a score to its log unless the log holds one with the same `key` (the first
   * writer wins, also across processes and in concurrent calls). A new score is added, in the
   * same atomic unit, to the log summary of (experiment, variant, `name`) by the increments
   * of `planScore`. Returns the score now stored under the key (the earlier one on a repeat)
   * and whether this call created it; null, writing nothing, when the log does not exist.
   */
  attachScore(score: ScoreRecord): Promise<AttachScoreResult | null>;
  /** Summaries of an experiment's log metrics, variant -> metric; empty without logs. */
  readLogSummaries(projectId: string, experimentId: string): Promise<LogSummaries>;
}

/** Projects and API key records. */
export interface AccountStore {
  /** Creates a project; `conflict` when the id is taken. */
  createProject(project: Project): Promise<void>;
  /** A project by id, or null. */
  getProject(projectId: string): Promise<Project | null>;
  /** The projects of an organization, oldest first. */
  listProjects(organizationId: string): Promise<Project[]>;
  /** Stores a new key record; `conflict` when its id or hash exists. */
  createApiKey(record: ApiKeyRecord): Promise<void>;
  /** The key whose SHA-256 hash is `hash` (revoked or not), or null. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** The keys of an organization, oldest first. */
  listApiKeys(organizationId: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked at `revokedAt` (idempotent); returns false when no such key. */
  revokeApiKey(id: string, revokedAt: string): Promise<boolean>;
}

/** What a store guarantees, declared so the conformance suite and the engine can adapt. */
export interface StoreCapabilities {
  /** Several processes can share this store's state (SQLite file, Redis, MongoDB). */
  crossProcess: boolean;
  /** Acknowledged writes survive a crash of the application process. */
  durable: boolean;
}

/** The three kinds of definitions and their stored records. */
export interface DefinitionKinds {
  experiment: Experiment;
  flag: Flag;
  segment: Segment;
}
export type DefinitionKind = keyof DefinitionKinds;
export type DefinitionOf<K extends DefinitionKind> = DefinitionKinds[K];

/** All definitions of a project, as of `version`. */
export interface DefinitionsSnapshot {
  version: number;
  experiments: Experiment[];
  flags: Flag[];
  segments: Segment[];
}

/** An entity's variant in an experiment, first seen at `assignedAt`. */
export interface AssignmentRecord {
  projectId: string;
  experimentId: string;
  entityId: string;
  variantKey: string;
  assignedAt: string;
  /**
   * Covariate name -> the entity's value at its first exposure (for CUPED). Kept only with a
   * new assignment: a losing writer's covariates are ignored. Names are slugs, values finite.
   */
  covariates?: Record<string, number> | undefined;
  /**
   * Dimension -> the entity's value at its first exposure (`dimensionValue` of its
   * property), null when it had none; at most `MAX_DIMENSIONS` names. Counted in slices of
   * the results (see `ExperimentAggregates.slices`); kept only with a new assignment.
   */
  dimensions?: Record<string, string | null> | undefined;
}

/**
 * One entity's metric totals over the UTC days `fromDay <= d < toDay` (`YYYY-MM-DD`, at most
 * `MAX_ENTITY_TOTALS_DAYS` apart), for at most `MAX_ENTITY_TOTALS_METRICS` metrics.
 */
export interface EntityTotalsRequest {
  entityId: string;
  metrics: string[];
  fromDay: string;
  toDay: string;
}

/** What `applyEvents` did: `accepted + deduped` equals the batch length. */
export interface ApplyEventsResult {
  accepted: number;
  deduped: number;
}

/**
 * Sufficient statistics of one metric in one variant, with the entity as the unit. With
 * `t_u` the total of entity u's events: `sum = Σ t_u`, `sumSquares = Σ t_u²` (kept exact by
 * adding `(t + v)² - t²` per event), `entities = #{u : u has an event}`, `events` = count.
 * For a capped metric (`Metric.cap`), `t_u` is `min(total, cap)`: each event adds
 * `c(t + v) - c(t)` and `c(t + v)² - c(t)²`.
 */
export interface MetricAggregate {
  events: number;
  sum: number;
  sumSquares: number;
  entities: number;
}

/**
 * One covariate in one variant, over the entities whose new assignment carried it:
 * `entities` = their count, `sum = Σ x_u`, `sumSquares = Σ x_u²`.
 */
export interface CovariateAggregate {
  entities: number;
  sum: number;
  sumSquares: number;
}

/**
 * One (metric, covariate) pair in one variant, over the entities carrying the covariate:
 * `sumXY = Σ x_u·t_u` (every accepted event adds `x_u·value`) and
 * `sumXWithEvent = Σ x_u` over the entities with an event of the metric.
 */
export interface CovariateProduct {
  sumXY: number;
  sumXWithEvent: number;
}

/** An experiment's aggregates: exposures by variant, and metric -> variant -> statistics. */
export interface ExperimentAggregates {
  /** variant -> entities assigned to it (each counted once, at its first assignment). */
  exposures: Record<string, number>;
  /**
   * UTC day (`YYYY-MM-DD`) of the assignments' `assignedAt` -> variant -> new assignments that
   * day. Only days and variants with a count appear; `{}` for an empty experiment. Per variant
   * the days sum to `exposures`, except for exposures a store counted without a day
   * (assignments older than the store's per-day counts, or with an unparsable time).
   */
  exposuresByDay: Record<string, Record<string, number>>;
  metrics: Record<string, Record<string, MetricAggregate>>;
  /** covariate -> variant -> statistics of the covariate values; `{}` without covariates. */
  covariates: Record<string, Record<string, CovariateAggregate>>;
  /** metric -> covariate -> variant -> cross sums for CUPED; `{}` when none. */
  covariateProducts: Record<string, Record<string, Record<string, CovariateProduct>>>;
  /**
   * A1 -> A2 -> variant -> `Σ_u t_u(A1)·t_u(A2)` (A1 < A2 in JavaScript string order), for
   * ratio metrics; kept from events' `crossMetrics`. `{}` when none.
   */
  crossProducts: Record<string, Record<string, Record<string, number>>>;
  /**
   * metric -> UTC day of the event's `timestamp` -> variant -> events counted in the metric's
   * aggregates that day (an event whose time has no day counts in `metrics` only). `{}` when
   * none; data written before a store kept it counts from the upgrade on.
   */
  eventsByDay: Record<string, Record<string, Record<string, number>>>;
  /**
   * metric -> UTC day of the event's `timestamp` -> variant -> what that day's events added
   * to the variant's `sum` and `sumSquares` (capped, like `metrics`), and the entities whose
   * first counted event fell on it. Summed over the days through d, the cumulative aggregates
   * as of the end of d (exact when each entity's events arrive in time order, at day
   * granularity). An event whose time has no day counts in `metrics` only. `{}` when none.
   */
  metricsByDay: Record<string, Record<string, Record<string, MetricDayAggregate>>>;
  /**
   * dimension -> slice key (`sliceKey` of a value, `other` past `MAX_SLICE_VALUES` values,
   * `none` without a value; read one with `sliceOf`) -> the slice's exposures and metric
   * aggregates, moved as the variant's are. `{}` without dimensions.
   */
  slices: Record<string, Record<string, SliceAggregates>>;
}

/** What one UTC day's events added to one variant's aggregate of one metric. */
export interface MetricDayAggregate {
  sum: number;
  sumSquares: number;
  entities: number;
}

/** One slice of a dimension: variant -> exposures, metric -> variant -> statistics. */
export interface SliceAggregates {
  exposures: Record<string, number>;
  metrics: Record<string, Record<string, MetricAggregate>>;
}

/** One log metric of one variant: how many logs carried it, their sum, and its sketch. */
export interface LogMetricSummary {
  count: number;
  sum: number;
  /**
   * The sum of the squared values of the `squared` logs whose square was kept; absent (0)
   * for summaries written before squares were kept, so `squared < count` tells a summary
   * whose variance is unknown.
   */
  sumSquares?: number;
  squared?: number;
  /** Quantile sketch counts by bucket id (see `sketchBucket`). */
  buckets: SketchBuckets;
}

/** An experiment's log metric summaries: variant -> metric -> summary. */
export type LogSummaries = Record<string, Record<string, LogMetricSummary>>;

/** A page request for logs. */
export interface LogPageRequest {
  limit: number;
  before?: string | undefined;
}

/** What `attachScore` did: the score stored under its key, and whether this call stored it. */
export interface AttachScoreResult {
  score: ScoreRecord;
  created: boolean;
}

/** A page of logs, newest first; `nextCursor` is null on the last page. */
export interface LogPage {
  logs: LogRecord[];
  nextCursor: string | null;
}
