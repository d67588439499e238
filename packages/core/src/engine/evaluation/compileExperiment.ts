import { getBucketRanges, weightFractions } from "../../bucketing/index.js";
import type { Condition } from "../../conditions/index.js";
import { covariateName, type Experiment } from "../../schema/experiment.js";
import type { Segment } from "../../schema/segment.js";
import type { CompiledExperiment, PreCovariate } from "./compile.js";

/**
 * Compiles one experiment against the segments it names: the only per-definition compile
 * work, so a definition write costs one call here (or one per experiment naming a changed
 * segment), never one per definition of the project.
 */
export function compileExperiment(
  experiment: Experiment,
  segmentsByKey: ReadonlyMap<string, Segment>,
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
    dimensions: experiment.dimensions ?? [],
    crossPartners: crossPartnersOf(experiment),
  };
}

// --- Internal helpers ---

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
