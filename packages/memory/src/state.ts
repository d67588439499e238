import type {
  ApiKeyRecord,
  CounterIncrement,
  DefinitionKind,
  DefinitionKinds,
  LogRecord,
  Project,
  RunningTotal,
  ScoreRecord,
  StoredAssignment,
} from "@abkit/core";

/** Everything a memory store holds. Keys join their parts with NUL, which ids never contain. */
export interface MemoryState {
  /** Idempotency keys remembered for dedup, oldest first (see `MemoryStoreOptions`). */
  maxIdempotencyKeys: number;
  projects: Map<string, ProjectState>;
  /** `project NUL experiment NUL entity` -> variant and covariates. */
  assignments: Map<string, StoredAssignment>;
  /** `project NUL idempotencyKey` of the last `maxIdempotencyKeys` events with a key, oldest first. */
  seenKeys: Set<string>;
  /** `project NUL experiment NUL metric NUL entity` -> the entity's running total. */
  entityTotals: Map<string, RunningTotal>;
  /**
   * UTC day -> `project NUL entity NUL metric` -> Σ values of accepted events that day, for
   * pre-period covariates: kept for the `DAY_TOTALS_KEPT` days up to the newest.
   */
  entityDayTotals: Map<string, Map<string, number>>;
  /** `project NUL experiment` -> counter id -> value (aggregates and log summaries). */
  counters: Map<string, Map<string, number>>;
  /** Every log appended, by id, in any project or experiment: log ids are unique. */
  logsById: Map<string, LogRecord>;
  /** log id -> its scores, oldest first. */
  scores: Map<string, ScoreRecord[]>;
  accounts: Map<string, Project>;
  apiKeys: Map<string, ApiKeyRecord>;
  apiKeyIdsByHash: Map<string, string>;
}

/** One project's definitions and logs. */
export interface ProjectState {
  version: number;
  definitions: { [K in DefinitionKind]: Map<string, DefinitionKinds[K]> };
  /** experiment id -> logs in append order (ids ascend). */
  logs: Map<string, LogRecord[]>;
}

export function createState(maxIdempotencyKeys: number): MemoryState {
  return {
    maxIdempotencyKeys,
    projects: new Map(),
    assignments: new Map(),
    seenKeys: new Set(),
    entityTotals: new Map(),
    entityDayTotals: new Map(),
    counters: new Map(),
    logsById: new Map(),
    scores: new Map(),
    accounts: new Map(),
    apiKeys: new Map(),
    apiKeyIdsByHash: new Map(),
  };
}

/** A project's state, created empty on first use. */
export function projectState(state: MemoryState, projectId: string): ProjectState {
  return entry(state.projects, projectId, () => ({
    version: 0,
    definitions: { experiment: new Map(), flag: new Map(), segment: new Map() },
    logs: new Map(),
  }));
}

/** An experiment's counters (empty when it has none; not created by reading). */
export function countersOf(state: MemoryState, projectId: string, experimentId: string) {
  return state.counters.get(`${projectId}\u0000${experimentId}`) ?? new Map<string, number>();
}

/** Adds a plan's counter increments. */
export function addCounters(state: MemoryState, increments: readonly CounterIncrement[]): void {
  for (const { projectId, experimentId, counter, delta } of increments) {
    const counters = entry(state.counters, `${projectId}\u0000${experimentId}`, () => new Map());
    counters.set(counter, (counters.get(counter) ?? 0) + delta);
  }
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
