import type {
  ApiKeyRecord,
  CovariateAggregate,
  CovariateProduct,
  DefinitionKind,
  DefinitionKinds,
  LogRecord,
  LogSummaries,
  MetricAggregate,
  Project,
} from "@abkit/core";

/** Everything a memory store holds. Keys join their parts with NUL, which ids never contain. */
export interface MemoryState {
  closed: boolean;
  /** Idempotency keys remembered for dedup, oldest first (see `MemoryLimits`). */
  maxIdempotencyKeys: number;
  projects: Map<string, ProjectState>;
  /** `project NUL experiment NUL entity` -> variant key. */
  assignments: Map<string, string>;
  /** `project NUL experiment NUL entity` -> covariates kept with its assignment. */
  assignmentCovariates: Map<string, [string, number][]>;
  /** `project NUL idempotencyKey` of the last `maxIdempotencyKeys` events with a key, oldest first. */
  seenKeys: Set<string>;
  /** `project NUL experiment NUL metric NUL entity` -> the entity's running total. */
  entityTotals: Map<string, { events: number; sum: number }>;
  /**
   * UTC day -> `project NUL entity NUL metric` -> Σ values of accepted events that day, for
   * pre-period covariates: kept for the `DAY_TOTALS_KEPT` days up to `newestDay`.
   */
  entityDayTotals: Map<string, Map<string, number>>;
  /** The latest UTC day of an accepted event. */
  newestDay: string | null;
  /** The first UTC day whose totals are kept (`newestDay` minus the days kept). */
  oldestDayKept: string;
  /** `project NUL experiment` -> its exposures and aggregates. */
  experiments: Map<string, ExperimentState>;
  /** The id of every log appended, in any project or experiment: log ids are unique. */
  logIds: Set<string>;
  accounts: Map<string, Project>;
  apiKeys: Map<string, ApiKeyRecord>;
  apiKeyIdsByHash: Map<string, string>;
}

/** One project's definitions, events and logs. */
export interface ProjectState {
  version: number;
  definitions: { [K in DefinitionKind]: Map<string, DefinitionKinds[K]> };
  /** experiment id -> logs in append order (ids ascend). */
  logs: Map<string, LogRecord[]>;
  /** experiment id -> its log metric summaries. */
  logSummaries: Map<string, LogSummaries>;
}

/** One experiment's counters. */
export interface ExperimentState {
  exposures: Map<string, number>;
  /** UTC day -> variant -> new assignments that day. */
  exposuresByDay: Map<string, Map<string, number>>;
  /** metric -> variant -> aggregate */
  metrics: Map<string, Map<string, MetricAggregate>>;
  /** covariate -> variant -> aggregate */
  covariates: Map<string, Map<string, CovariateAggregate>>;
  /** metric -> covariate -> variant -> products */
  covariateProducts: Map<string, Map<string, Map<string, CovariateProduct>>>;
  /** A1 -> A2 -> variant -> Σ t(A1)·t(A2) */
  crossProducts: Map<string, Map<string, Map<string, number>>>;
}

export function createState(maxIdempotencyKeys: number): MemoryState {
  return {
    closed: false,
    maxIdempotencyKeys,
    projects: new Map(),
    assignments: new Map(),
    assignmentCovariates: new Map(),
    seenKeys: new Set(),
    entityTotals: new Map(),
    entityDayTotals: new Map(),
    newestDay: null,
    oldestDayKept: "",
    experiments: new Map(),
    logIds: new Set(),
    accounts: new Map(),
    apiKeys: new Map(),
    apiKeyIdsByHash: new Map(),
  };
}

/** A project's state, created empty on first use. */
export function projectState(state: MemoryState, projectId: string): ProjectState {
  let project = state.projects.get(projectId);
  if (!project) {
    project = {
      version: 0,
      definitions: { experiment: new Map(), flag: new Map(), segment: new Map() },
      logs: new Map(),
      logSummaries: new Map(),
    };
    state.projects.set(projectId, project);
  }
  return project;
}

/** An experiment's counters, created empty on first use. */
export function experimentState(state: MemoryState, projectId: string, experimentId: string) {
  const key = `${projectId}\u0000${experimentId}`;
  let experiment = state.experiments.get(key);
  if (!experiment) {
    experiment = {
      exposures: new Map(),
      exposuresByDay: new Map(),
      metrics: new Map(),
      covariates: new Map(),
      covariateProducts: new Map(),
      crossProducts: new Map(),
    };
    state.experiments.set(key, experiment);
  }
  return experiment;
}

/** `map.get(key)`, set to `create()` first when absent. */
export function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Copies a record in or out, so callers never share objects with the store. */
export const copy = <T>(value: T): T => structuredClone(value);
