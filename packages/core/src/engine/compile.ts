import type { BucketRange, NamespaceTuple } from "../bucketing/index.js";
import type { Condition } from "../conditions/index.js";
import type { Experiment } from "../schema/experiment.js";
import type { Flag } from "../schema/flag.js";
import type { Segment } from "../schema/segment.js";
import type { DefinitionKind, DefinitionOf, DefinitionsSnapshot } from "../store.js";
import { compileExperiment } from "./compileExperiment.js";

/** A covariate from tracked history: `metric`'s total over `days` days before exposure. */
export interface PreCovariate {
  name: string;
  metric: string;
  days: number;
}

/** An experiment with everything evaluation needs precomputed once per definitions version. */
export interface CompiledExperiment {
  experiment: Experiment;
  /** Bucket ranges from weights (percent -> fraction) and coverage. */
  ranges: BucketRange[];
  /** Segment conditions (any must match); null when the experiment targets everyone. */
  segmentConditions: Condition[] | null;
  namespace: NamespaceTuple | null;
  /** Overrides as a Map: entity id -> variant index. */
  overrides: Map<string, number>;
  /** The entity properties its metrics name as CUPED covariates, read at first exposure. */
  covariates: string[];
  /** Its pre-period covariates: metric totals before first exposure, read when it is stored. */
  preCovariates: PreCovariate[];
  /** For ratio metrics: metric -> the metrics whose totals its events multiply. */
  crossPartners: Map<string, string[]>;
}

/**
 * A project's definitions, indexed for the evaluate hot path. A snapshot is never changed
 * once built: a new version is a new snapshot (sharing the unchanged entries), so a reader
 * holding one sees one consistent version.
 */
export interface CompiledDefinitions {
  version: number;
  experimentsByKey: Map<string, CompiledExperiment>;
  experimentsById: Map<string, CompiledExperiment>;
  flagsByKey: Map<string, Flag>;
  flagsById: Map<string, Flag>;
  segmentsByKey: Map<string, Segment>;
  /** Flag key -> its attached experiments, oldest first. */
  experimentsByFlag: Map<string, CompiledExperiment[]>;
  /** Holdouts (any status), oldest first: evaluate asks the running ones that cover an experiment. */
  holdouts: CompiledExperiment[];
  /** Ids of the running experiments: the ones a tracked event may count in. */
  runningExperimentIds: string[];
  /** Metric -> (running experiment id -> the metrics its events multiply, for ratios). */
  runningCrossMetrics: Map<string, Record<string, string[]>>;
}

/** One definition written (`record`) or deleted (`record` null) by this process. */
export type DefinitionChange = {
  [K in DefinitionKind]: { kind: K; key: string; record: DefinitionOf<K> | null };
}[DefinitionKind];

/**
 * Indexes a snapshot; runs once per definitions version, never per evaluation. With the
 * `previous` compiled snapshot, an experiment whose record and segments are unchanged
 * (same ids and revisions) keeps its compiled entry: only what changed is compiled again.
 */
export function compileDefinitions(
  snapshot: DefinitionsSnapshot,
  previous: CompiledDefinitions | null = null,
): CompiledDefinitions {
  const segmentsByKey = new Map(snapshot.segments.map((segment) => [segment.key, segment]));
  const compiled = [...snapshot.experiments].sort(byId).map((experiment) => {
    const before = previous?.experimentsById.get(experiment.id);
    const reusable =
      before !== undefined &&
      before.experiment.revision === experiment.revision &&
      experiment.segments.every((key) =>
        sameRecord(previous?.segmentsByKey.get(key), segmentsByKey.get(key)),
      );
    return reusable ? before : compileExperiment(experiment, segmentsByKey);
  });
  const flags = [...snapshot.flags].sort(byId);
  return indexed(snapshot.version, compiled, flags, segmentsByKey);
}

/**
 * The snapshot after one write this process made, built on `previous` (the version just
 * before it) without reading the store: the changed definition is compiled, and for a
 * segment the experiments naming it; every other entry is shared. `previous` is unchanged.
 */
export function applyDefinitionChange(
  previous: CompiledDefinitions,
  change: DefinitionChange,
  version: number,
): CompiledDefinitions {
  let experiments = [...previous.experimentsById.values()];
  let flags = [...previous.flagsById.values()];
  let segmentsByKey = previous.segmentsByKey;
  if (change.kind === "segment") {
    segmentsByKey = new Map(segmentsByKey);
    if (change.record) segmentsByKey.set(change.key, change.record);
    else segmentsByKey.delete(change.key);
    const named = segmentsByKey;
    experiments = experiments.map((entry) =>
      entry.experiment.segments.includes(change.key)
        ? compileExperiment(entry.experiment, named)
        : entry,
    );
  } else if (change.kind === "flag") {
    flags = replaced(flags, (flag) => flag.key === change.key, change.record);
  } else {
    const record = change.record;
    experiments = replaced(
      experiments,
      (entry) => entry.experiment.key === change.key,
      record ? compileExperiment(record, segmentsByKey) : null,
    );
  }
  return indexed(version, experiments, flags, segmentsByKey);
}

// --- Internal helpers ---

// The indexes over compiled entries; `experiments` and `flags` come oldest first.
function indexed(
  version: number,
  compiled: CompiledExperiment[],
  flags: Flag[],
  segmentsByKey: Map<string, Segment>,
): CompiledDefinitions {
  const experimentsByFlag = new Map<string, CompiledExperiment[]>();
  for (const entry of compiled) {
    const flagKey = entry.experiment.flagKey;
    if (flagKey === null) continue;
    const list = experimentsByFlag.get(flagKey) ?? [];
    list.push(entry);
    experimentsByFlag.set(flagKey, list);
  }
  return {
    version,
    experimentsByKey: new Map(compiled.map((entry) => [entry.experiment.key, entry])),
    experimentsById: new Map(compiled.map((entry) => [entry.experiment.id, entry])),
    flagsByKey: new Map(flags.map((flag) => [flag.key, flag])),
    flagsById: new Map(flags.map((flag) => [flag.id, flag])),
    segmentsByKey,
    experimentsByFlag,
    holdouts: compiled.filter((entry) => entry.experiment.holdout),
    ...runningIndex(compiled),
  };
}

// `items` with the one `matches` picks replaced by `next` (or removed when null), a new one
// added, kept oldest first (ids are ULIDs: a new one sorts last unless clocks disagree).
function replaced<T extends { id: string } | { experiment: { id: string } }>(
  items: T[],
  matches: (item: T) => boolean,
  next: T | null,
): T[] {
  const index = items.findIndex(matches);
  const current = index === -1 ? undefined : items[index];
  if (next !== null && current !== undefined && idOf(current) === idOf(next)) {
    return items.with(index, next);
  }
  const rest = index === -1 ? items : items.toSpliced(index, 1);
  if (next === null) return rest;
  const last = rest.at(-1);
  const list = [...rest, next];
  return last === undefined || idOf(last) < idOf(next) ? list : list.sort(byIdOf);
}

function idOf(item: { id: string } | { experiment: { id: string } }): string {
  return "experiment" in item ? item.experiment.id : item.id;
}

function byIdOf(a: { id: string } | { experiment: { id: string } }, b: typeof a): number {
  return byId({ id: idOf(a) }, { id: idOf(b) });
}

// Two records are the same version of one definition (or both absent).
function sameRecord(
  a: { id: string; revision: number } | undefined,
  b: { id: string; revision: number } | undefined,
): boolean {
  return a === b || (a?.id === b?.id && a?.revision === b?.revision);
}

// What track attaches to every event, computed once per definitions version.
function runningIndex(compiled: CompiledExperiment[]) {
  const running = compiled.filter((entry) => entry.experiment.status === "running");
  const runningCrossMetrics = new Map<string, Record<string, string[]>>();
  for (const { experiment, crossPartners } of running) {
    for (const [metric, partners] of crossPartners) {
      const byExperiment = runningCrossMetrics.get(metric) ?? {};
      byExperiment[experiment.id] = partners;
      runningCrossMetrics.set(metric, byExperiment);
    }
  }
  return {
    runningExperimentIds: running.map((entry) => entry.experiment.id),
    runningCrossMetrics,
  };
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
