import {
  type CovariateAggregate,
  type CovariateProduct,
  crossPair,
  crossPartners,
  type EventRecord,
  type ExperimentAggregates,
  ownEntry,
} from "@abkit/core";
import { type ExperimentState, entry, experimentState, type MemoryState } from "./state.js";

/**
 * The CUPED and ratio-metric sums: covariates kept with new assignments, their products with
 * metric totals, and products of two metrics' totals (see `ExperimentAggregates`).
 */

/** Counts a new assignment's covariates in its variant. */
export function addCovariates(
  experiment: ExperimentState,
  variantKey: string,
  covariates: readonly [string, number][],
): void {
  for (const [name, x] of covariates) {
    const variants = entry(experiment.covariates, name, () => new Map());
    const aggregate = entry(variants, variantKey, () => ({ entities: 0, sum: 0, sumSquares: 0 }));
    aggregate.entities += 1;
    aggregate.sum += x;
    aggregate.sumSquares += x * x;
  }
}

/**
 * Moves the products by one accepted event of an entity in `variantKey`, before its own
 * running total moves; `firstEvent` is whether it is the entity's first of the metric.
 */
export function addProducts(
  state: MemoryState,
  projectId: string,
  experimentId: string,
  variantKey: string,
  event: EventRecord,
  firstEvent: boolean,
): void {
  const experiment = experimentState(state, projectId, experimentId);
  const entityKey = `${projectId}\u0000${experimentId}\u0000${event.entityId}`;
  const { metricName, value } = event;
  for (const [name, x] of state.assignmentCovariates.get(entityKey) ?? []) {
    const byCovariate = entry(experiment.covariateProducts, metricName, () => new Map());
    const variants = entry(byCovariate, name, () => new Map<string, CovariateProduct>());
    const product = entry(variants, variantKey, () => ({ sumXY: 0, sumXWithEvent: 0 }));
    product.sumXY += x * value;
    if (firstEvent) product.sumXWithEvent += x;
  }
  for (const partner of crossPartners(event, experimentId)) {
    const total = state.entityTotals.get(
      `${projectId}\u0000${experimentId}\u0000${partner}\u0000${event.entityId}`,
    );
    const [a1, a2] = crossPair(metricName, partner);
    const variants = entry(
      entry(experiment.crossProducts, a1, () => new Map()),
      a2,
      () => new Map(),
    );
    variants.set(variantKey, (variants.get(variantKey) ?? 0) + value * (total?.sum ?? 0));
  }
}

/** The three product maps of an experiment as plain, copied records. */
export function readProducts(
  experiment: ExperimentState,
): Pick<ExperimentAggregates, "covariates" | "covariateProducts" | "crossProducts"> {
  const covariates: Record<string, Record<string, CovariateAggregate>> = {};
  for (const [name, variants] of experiment.covariates) {
    const out = ownEntry(covariates, name, () => ({}));
    for (const [variant, aggregate] of variants) ownEntry(out, variant, () => ({ ...aggregate }));
  }
  const covariateProducts: ExperimentAggregates["covariateProducts"] = {};
  for (const [metric, byCovariate] of experiment.covariateProducts) {
    for (const [name, variants] of byCovariate) {
      const out = ownEntry(
        ownEntry(covariateProducts, metric, () => ({})),
        name,
        () => ({}),
      );
      for (const [variant, product] of variants) ownEntry(out, variant, () => ({ ...product }));
    }
  }
  const crossProducts: ExperimentAggregates["crossProducts"] = {};
  for (const [a1, byA2] of experiment.crossProducts) {
    for (const [a2, variants] of byA2) {
      const out = ownEntry(
        ownEntry(crossProducts, a1, () => ({})),
        a2,
        () => ({}),
      );
      for (const [variant, sum] of variants) ownEntry(out, variant, () => sum);
    }
  }
  return { covariates, covariateProducts, crossProducts };
}
