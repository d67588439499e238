import type { BucketRange, NamespaceTuple } from "../../bucketing/index.js";
import type { Condition } from "../../conditions/index.js";
import type { Experiment } from "../../schema/experiment.js";
import type { Flag } from "../../schema/flag.js";
import type { Segment } from "../../schema/segment.js";
import type { DefinitionKind, DefinitionOf, DefinitionsSnapshot } from "../../store.js";
import { compileExperiment } from "./compileExperiment.js";
import { OverlayMap } from "./overlayMap.js";

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
  /** The entity properties its results break down by, read at first exposure. */
  dimensions: string[];
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
  flagsByKey: OverlayMap<string, Flag>;
  flagsById: OverlayMap<string, Flag>;
  segmentsByKey: OverlayMap<string, Segment>;
  /** Flag key -> its attached experiments, oldest first. */
  experimentsByFlag: Map<string, CompiledExperiment[]>;
  /** Holdouts (any status), oldest first: evaluate asks the running ones that cover an experiment. */
  holdouts: CompiledExperiment[];
  /** Ids of the running experiments: the ones a tracked event may count in. */
  runningExperimentIds: string[];
  /** Metric -> (running experiment id -> the metrics its events multiply, for ratios). */
  runningCrossMetrics: Map<string, Record<string, string[]>>;
  /**
   * Metric -> the running experiments that do not declare it, for the metrics some running
   * experiment declares; any other metric is undeclared in every running experiment.
   */
  runningUndeclaredIn: Map<string, string[]>;
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
  const segmentsByKey = OverlayMap.from(snapshot.segments.map((segment) => [segment.key, segment]));
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
  return {
    version: snapshot.version,
    ...experimentIndexes(compiled),
    flagsByKey: OverlayMap.from(flags.map((flag) => [flag.key, flag])),
    flagsById: OverlayMap.from(flags.map((flag) => [flag.id, flag])),
    segmentsByKey,
  };
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
  if (change.kind === "flag") {
    const before = previous.flagsByKey.get(change.key);
    const flagsById = before ? previous.flagsById.with(before.id, undefined) : previous.flagsById;
    const record = change.record ?? undefined;
    return {
      ...previous,
      version,
      flagsByKey: previous.flagsByKey.with(change.key, record),
      flagsById: record ? flagsById.with(record.id, record) : flagsById,
    };
  }
  if (change.kind === "segment") {
    const segmentsByKey = previous.segmentsByKey.with(change.key, change.record ?? undefined);
    const entries = [...previous.experimentsById.values()];
    const naming = new Set(
      entries.filter((entry) => entry.experiment.segments.includes(change.key)),
    );
    if (naming.size === 0) return { ...previous, version, segmentsByKey };
    const compiled = entries.map((entry) =>
      naming.has(entry) ? compileExperiment(entry.experiment, segmentsByKey) : entry,
    );
    return { ...previous, version, segmentsByKey, ...experimentIndexes(compiled) };
  }
  const record = change.record;
  const compiled = replaced(
    [...previous.experimentsById.values()],
    (entry) => entry.experiment.key === change.key,
    record ? compileExperiment(record, previous.segmentsByKey) : null,
  );
  return { ...previous, version, ...experimentIndexes(compiled) };
}

// --- Internal helpers ---

// The indexes over compiled experiments, which come oldest first.
function experimentIndexes(compiled: CompiledExperiment[]) {
  const experimentsByFlag = new Map<string, CompiledExperiment[]>();
  for (const entry of compiled) {
    const flagKey = entry.experiment.flagKey;
    if (flagKey === null) continue;
    const list = experimentsByFlag.get(flagKey) ?? [];
    list.push(entry);
    experimentsByFlag.set(flagKey, list);
  }
  return {
    experimentsByKey: new Map(compiled.map((entry) => [entry.experiment.key, entry])),
    experimentsById: new Map(compiled.map((entry) => [entry.experiment.id, entry])),
    experimentsByFlag,
    holdouts: compiled.filter((entry) => entry.experiment.holdout),
    ...runningIndex(compiled),
  };
}

// `items` with the one `matches` picks replaced by `next` (or removed when null), a new one
// added, kept oldest first (ids are ULIDs: a new one sorts last unless clocks disagree).
function replaced(
  items: CompiledExperiment[],
  matches: (item: CompiledExperiment) => boolean,
  next: CompiledExperiment | null,
): CompiledExperiment[] {
  const index = items.findIndex(matches);
  const current = index === -1 ? undefined : items[index];
  if (next !== null && current !== undefined && current.experiment.id === next.experiment.id) {
    return items.with(index, next);
  }
  const rest = index === -1 ? items : items.toSpliced(index, 1);
  if (next === null) return rest;
  const last = rest.at(-1);
  const list = [...rest, next];
  return last === undefined || last.experiment.id < next.experiment.id
    ? list
    : list.sort((a, b) => byId(a.experiment, b.experiment));
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
  const runningExperimentIds = running.map((entry) => entry.experiment.id);
  const declaring = new Map<string, Set<string>>();
  for (const { experiment } of running) {
    for (const name of declaredMetrics(experiment)) {
      const ids = declaring.get(name) ?? new Set<string>();
      ids.add(experiment.id);
      declaring.set(name, ids);
    }
  }
  const runningUndeclaredIn = new Map(
    [...declaring].map(([name, ids]) => [name, runningExperimentIds.filter((id) => !ids.has(id))]),
  );
  return { runningExperimentIds, runningCrossMetrics, runningUndeclaredIn };
}

// The metrics whose aggregates an experiment reads: its metrics and its ratios' two sides.
function declaredMetrics(experiment: Experiment): Set<string> {
  const names = new Set<string>();
  for (const metric of experiment.metrics) {
    names.add(metric.name);
    if (metric.numerator) names.add(metric.numerator);
    if (metric.denominator) names.add(metric.denominator);
  }
  return names;
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
