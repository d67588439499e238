import type { BucketRange, NamespaceTuple } from "../bucketing/index.js";
import { getBucketRanges, weightFractions } from "../bucketing/index.js";
import type { Condition } from "../conditions/index.js";
import { covariateName, type Experiment } from "../schema/experiment.js";
import type { Flag } from "../schema/flag.js";
import type { Segment } from "../schema/segment.js";
import type { DefinitionsSnapshot } from "../store.js";

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

/** A project's definitions, indexed for the evaluate hot path. */
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
  /**
   * Metric -> the running experiments that do not declare it, for the metrics some running
   * experiment declares; any other metric is undeclared in every running experiment.
   */
  runningUndeclaredIn: Map<string, string[]>;
}

/** Indexes a snapshot; runs once per definitions version, never per evaluation. */
export function compileDefinitions(snapshot: DefinitionsSnapshot): CompiledDefinitions {
  const segmentsByKey = new Map(snapshot.segments.map((segment) => [segment.key, segment]));
  const experiments = [...snapshot.experiments].sort(byId);
  const compiled = experiments.map((experiment) => compileExperiment(experiment, segmentsByKey));
  const experimentsByFlag = new Map<string, CompiledExperiment[]>();
  for (const entry of compiled) {
    const flagKey = entry.experiment.flagKey;
    if (flagKey === null) continue;
    const list = experimentsByFlag.get(flagKey) ?? [];
    list.push(entry);
    experimentsByFlag.set(flagKey, list);
  }
  const flags = [...snapshot.flags].sort(byId);
  return {
    version: snapshot.version,
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

// --- Internal helpers ---

function compileExperiment(
  experiment: Experiment,
  segmentsByKey: Map<string, Segment>,
): CompiledExperiment {
  // A bandit serves its live shares; every other experiment its frozen weights.
  const live = experiment.banditState?.weights;
  // Percent -> fraction as GrowthBook reads the same split (see weightFractions).
  const weights = weightFractions(
    experiment.variants.map((variant) => live?.[variant.key] ?? variant.weight),
  );
  const variantIndex = new Map(experiment.variants.map((variant, index) => [variant.key, index]));
  const overrides = new Map<string, number>();
  for (const [entityId, variantKey] of Object.entries(experiment.overrides)) {
    const index = variantIndex.get(variantKey);
    if (index !== undefined) overrides.set(entityId, index);
  }
  // A segment deleted since the experiment named it matches nobody.
  const segmentConditions =
    experiment.segments.length === 0
      ? null
      : experiment.segments.flatMap((key) => {
          const segment = segmentsByKey.get(key);
          return segment ? [segment.condition as Condition] : [];
        });
  const { namespace } = experiment;
  return {
    experiment,
    ranges: getBucketRanges(experiment.variants.length, experiment.coverage, weights),
    segmentConditions,
    namespace: namespace ? [namespace.id, namespace.range[0], namespace.range[1]] : null,
    overrides,
    covariates: [
      ...new Set(
        experiment.metrics.flatMap((metric) =>
          typeof metric.covariate === "string" ? [metric.covariate] : [],
        ),
      ),
    ],
    preCovariates: preCovariatesOf(experiment),
    crossPartners: crossPartnersOf(experiment),
  };
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

// Each distinct pre-period covariate once, under the name its sums are kept by.
function preCovariatesOf(experiment: Experiment): PreCovariate[] {
  const byName = new Map<string, PreCovariate>();
  for (const { covariate } of experiment.metrics) {
    if (covariate === undefined || typeof covariate === "string") continue;
    byName.set(covariateName(covariate), { name: covariateName(covariate), ...covariate });
  }
  return [...byName.values()];
}

// A ratio needs Σ numerator·denominator per variant: events of either side carry the other.
function crossPartnersOf(experiment: Experiment): Map<string, string[]> {
  const partners = new Map<string, Set<string>>();
  const add = (from: string, to: string) => {
    const set = partners.get(from) ?? new Set<string>();
    set.add(to);
    partners.set(from, set);
  };
  for (const metric of experiment.metrics) {
    if (metric.kind !== "ratio" || !metric.numerator || !metric.denominator) continue;
    add(metric.numerator, metric.denominator);
    add(metric.denominator, metric.numerator);
  }
  return new Map([...partners].map(([name, set]) => [name, [...set]]));
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
