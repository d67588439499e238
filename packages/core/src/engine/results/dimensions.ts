// Results per value of each dimension: the slices' users and every non-ratio metric's
// comparisons, with p-values corrected (Holm) across the slices of a dimension.

import { sliceOf } from "../../aggregation/slices.js";
import type { Experiment, Metric, MetricDirection } from "../../schema/experiment.js";
import { holmAdjust } from "../../stats/multipleTesting.js";
import { emptyAggregates } from "../../store/aggregates.js";
import type { ExperimentAggregates, MetricAggregate, SliceAggregates } from "../../store.js";
import { metricVariants, withoutFixedSampleClaims } from "./comparisons.js";
import { metricRows } from "./metricRows.js";
import type { Comparison, DimensionResult, MetricResult, SliceResult } from "./resultTypes.js";

/** How many values of a dimension get a slice of their own; the rest are summed in `other`. */
export const TOP_SLICES = 20;

/** A metric as the results read it (see buildResults). */
type ResultMetric = Pick<Metric, "name" | "kind" | "numerator" | "denominator"> & {
  direction: MetricDirection;
};

/**
 * The breakdown of every dimension of the experiment (`experiment.dimensions`, in order):
 * the `TOP_SLICES` values with the most users, then `other` (every other value, and the
 * values past the store's cap) and `none` (entities without a value) when they have users.
 * Each slice compares every non-ratio metric as the whole experiment does (without CUPED
 * and guardrails); each treatment's p-values are Holm-adjusted across the dimension's
 * slices. Costs O(dimensions × values × metrics × variants).
 *
 * @example
 * dimensionResults(experiment, aggregates, ["control", "treatment"], metrics, 0.05);
 */
export function dimensionResults(
  experiment: Pick<Experiment, "dimensions" | "bandit">,
  aggregates: ExperimentAggregates,
  variantKeys: string[],
  metrics: readonly ResultMetric[],
  alpha: number,
): DimensionResult[] {
  const compared = metrics.filter((metric) => metric.kind !== "ratio");
  return (experiment.dimensions ?? []).map((name) => {
    const stored = Object.hasOwn(aggregates.slices, name) ? aggregates.slices[name]! : {};
    const slices = groupSlices(stored, variantKeys).map((group) =>
      sliceResult(group, variantKeys, compared, alpha),
    );
    if (experiment.bandit) {
      for (const slice of slices) withoutFixedSampleClaims(slice.metrics as MetricResult[]);
    } else {
      adjustAcrossSlices(slices);
    }
    return { name, slices };
  });
}

// --- Internal helpers ---

interface SliceGroup {
  value: string | null;
  kind: SliceResult["kind"];
  aggregates: SliceAggregates;
}

// The top values by users (ties by value, for a stable order), then `other` and `none`.
function groupSlices(stored: Record<string, SliceAggregates>, variantKeys: string[]): SliceGroup[] {
  const values: SliceGroup[] = [];
  const other: SliceAggregates[] = [];
  let none: SliceAggregates | null = null;
  for (const [key, aggregates] of Object.entries(stored)) {
    const slice = sliceOf(key);
    if (slice?.kind === "value") values.push({ value: slice.value, kind: "value", aggregates });
    else if (slice?.kind === "other") other.push(aggregates);
    else if (slice?.kind === "none") none = aggregates;
  }
  const users = (group: SliceGroup) => usersOf(group.aggregates, variantKeys);
  values.sort((a, b) => users(b) - users(a) || compare(a.value ?? "", b.value ?? ""));
  other.push(...values.slice(TOP_SLICES).map((group) => group.aggregates));
  const groups = values.slice(0, TOP_SLICES);
  const rest = { value: null, kind: "other" as const, aggregates: merged(other) };
  if (users(rest) > 0) groups.push(rest);
  if (none && usersOf(none, variantKeys) > 0) {
    groups.push({ value: null, kind: "none", aggregates: none });
  }
  return groups;
}

function sliceResult(
  group: SliceGroup,
  variantKeys: string[],
  metrics: readonly ResultMetric[],
  alpha: number,
): SliceResult {
  const variants = variantKeys.map((key) => ({ key, users: own(group.aggregates.exposures, key) }));
  // A slice keeps exposures and metric aggregates only: no covariates, so no CUPED here.
  const aggregates: ExperimentAggregates = {
    ...emptyAggregates(),
    exposures: group.aggregates.exposures,
    metrics: group.aggregates.metrics,
  };
  return {
    value: group.value,
    kind: group.kind,
    users: variants.reduce((total, variant) => total + variant.users, 0),
    variants,
    metrics: metrics.map((metric) => {
      const plain = { name: metric.name, kind: metric.kind, direction: metric.direction };
      return {
        name: metric.name,
        variants: metricVariants(plain, metricRows(plain, variants, aggregates), alpha, {
          bayesian: false,
        }),
      };
    }),
  };
}

// Holm across the dimension's slices, one family per (metric, treatment).
function adjustAcrossSlices(slices: SliceResult[]): void {
  const families = new Map<string, Comparison[]>();
  for (const slice of slices) {
    for (const metric of slice.metrics) {
      for (const variant of metric.variants) {
        if (!variant.comparison) continue;
        const id = `${metric.name}\u0000${variant.variantKey}`;
        families.set(id, [...(families.get(id) ?? []), variant.comparison]);
      }
    }
  }
  for (const family of families.values()) {
    const adjusted = holmAdjust(family.map((comparison) => comparison.pValue));
    const tests = family.filter((comparison) => comparison.pValue !== null).length;
    family.forEach((comparison, index) => {
      comparison.pValueAdjusted = adjusted[index] ?? null;
      comparison.adjustment =
        comparison.pValue === null ? null : { method: "holm", across: "slices", tests };
    });
  }
}

function merged(parts: SliceAggregates[]): SliceAggregates {
  const out: SliceAggregates = { exposures: {}, metrics: {} };
  for (const part of parts) {
    for (const [variant, n] of Object.entries(part.exposures)) {
      out.exposures[variant] = own(out.exposures, variant) + n;
    }
    for (const [metric, variants] of Object.entries(part.metrics)) {
      const into = Object.hasOwn(out.metrics, metric) ? out.metrics[metric]! : {};
      out.metrics[metric] = into;
      for (const [variant, aggregate] of Object.entries(variants)) {
        into[variant] = sum(Object.hasOwn(into, variant) ? into[variant] : undefined, aggregate);
      }
    }
  }
  return out;
}

function sum(a: MetricAggregate | undefined, b: MetricAggregate): MetricAggregate {
  return {
    events: (a?.events ?? 0) + b.events,
    sum: (a?.sum ?? 0) + b.sum,
    sumSquares: (a?.sumSquares ?? 0) + b.sumSquares,
    entities: (a?.entities ?? 0) + b.entities,
  };
}

function usersOf(aggregates: SliceAggregates, variantKeys: string[]): number {
  return variantKeys.reduce((total, key) => total + own(aggregates.exposures, key), 0);
}

function own(record: Record<string, number>, key: string): number {
  return Object.hasOwn(record, key) ? (record[key] ?? 0) : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
