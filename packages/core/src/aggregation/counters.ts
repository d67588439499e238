// The counters an experiment's aggregates are kept in: one number per id, named here and read
// back into `ExperimentAggregates` here, so a store keeps a flat map (project, experiment,
// counter id) -> number and never knows what a counter means.

import { emptyAggregates } from "../store/aggregates.js";
import { ownEntry } from "../store/ownEntry.js";
import type {
  CovariateAggregate,
  CovariateProduct,
  ExperimentAggregates,
  LogMetricSummary,
  LogSummaries,
  MetricAggregate,
  MetricDayAggregate,
  SliceAggregates,
} from "../store.js";
import { isValueSlice } from "./slices.js";

/** What a plan adds to one counter of one experiment. */
export interface CounterIncrement {
  projectId: string;
  experimentId: string;
  /** The counter's id (see `counterId`): parts joined by `/`, which names never contain. */
  counter: string;
  delta: number;
}

/** The number fields of a log summary kept as counters (see `LogMetricSummary`). */
export type LogField = "count" | "sum" | "sumSquares" | "squared";

/**
 * The id of every counter, by family. Every part is a name (a slug: letters, digits, `.`,
 * `_`, `:`, `-`) or a `YYYY-MM-DD` day, so `/` separates them unambiguously.
 *
 * @example
 * counterId.metric("revenue", "control", "sumSquares"); // "metric/revenue/control/sumSquares"
 */
export const counterId = {
  exposures: (variant: string) => `exposures/${variant}`,
  exposuresByDay: (day: string, variant: string) => `exposuresByDay/${day}/${variant}`,
  metric: (metric: string, variant: string, field: keyof MetricAggregate) =>
    `metric/${metric}/${variant}/${field}`,
  covariate: (covariate: string, variant: string, field: keyof CovariateAggregate) =>
    `covariate/${covariate}/${variant}/${field}`,
  covariateProduct: (
    metric: string,
    covariate: string,
    variant: string,
    field: keyof CovariateProduct,
  ) => `covariateProduct/${metric}/${covariate}/${variant}/${field}`,
  crossProduct: (metricA: string, metricB: string, variant: string) =>
    `crossProduct/${metricA}/${metricB}/${variant}`,
  /** A metric's counted events of one variant on one UTC day (of the event's time). */
  eventsByDay: (metric: string, day: string, variant: string) =>
    `eventsByDay/${metric}/${day}/${variant}`,
  /** What a metric's events of one UTC day added to one variant's aggregate (`metricsByDay`). */
  metricByDay: (metric: string, day: string, variant: string, field: keyof MetricDayAggregate) =>
    `metricByDay/${metric}/${day}/${variant}/${field}`,
  /** A log metric's `LogField` in one variant (see `LogMetricSummary`). */
  log: (variant: string, metric: string, field: LogField) => `log/${variant}/${metric}/${field}`,
  /** A log metric's sketch bucket (`sketchBucket`) in one variant. */
  logBucket: (variant: string, metric: string, bucket: string) =>
    `log/${variant}/${metric}/bucket/${bucket}`,
  /** Exposures of one variant in one slice (`sliceKey`) of a dimension. */
  sliceExposures: (dimension: string, slice: string, variant: string) =>
    `sliceExposures/${dimension}/${slice}/${variant}`,
  /** A metric's aggregate of one variant in one slice of a dimension. */
  sliceMetric: (
    dimension: string,
    slice: string,
    metric: string,
    variant: string,
    field: keyof MetricAggregate,
  ) => `sliceMetric/${dimension}/${slice}/${metric}/${variant}/${field}`,
} as const;

/**
 * An experiment's aggregates from its counters (id, value), in any order. Ids of families
 * this version does not know are ignored.
 *
 * @example
 * aggregatesFromCounters([["exposures/control", 10], ["metric/clicks/control/events", 4]]);
 */
export function aggregatesFromCounters(
  counters: Iterable<readonly [string, number]>,
): ExperimentAggregates {
  const out = emptyAggregates();
  for (const [id, value] of counters) {
    const parts = id.split("/");
    switch (parts[0]) {
      case "exposures":
        if (parts.length === 2) setOwn(out.exposures, parts[1]!, value);
        break;
      case "exposuresByDay":
        if (parts.length === 3) setOwn(byKey(out.exposuresByDay, parts[1]!), parts[2]!, value);
        break;
      case "metric":
        if (parts.length === 4 && METRIC_FIELDS.has(parts[3]!)) {
          const cell = ownEntry(byKey(out.metrics, parts[1]!), parts[2]!, zeroMetric);
          setField(cell, parts[3]!, value);
        }
        break;
      case "covariate":
        if (parts.length === 4 && COVARIATE_FIELDS.has(parts[3]!)) {
          const cell = ownEntry(byKey(out.covariates, parts[1]!), parts[2]!, zeroCovariate);
          setField(cell, parts[3]!, value);
        }
        break;
      case "covariateProduct":
        if (parts.length === 5 && PRODUCT_FIELDS.has(parts[4]!)) {
          const variants = byKey(byKey(out.covariateProducts, parts[1]!), parts[2]!);
          setField(ownEntry(variants, parts[3]!, zeroProduct), parts[4]!, value);
        }
        break;
      case "eventsByDay":
        if (parts.length === 4) {
          setOwn(byKey(byKey(out.eventsByDay, parts[1]!), parts[2]!), parts[3]!, value);
        }
        break;
      case "metricByDay":
        if (parts.length === 5 && DAY_FIELDS.has(parts[4]!)) {
          const variants = byKey(byKey(out.metricsByDay, parts[1]!), parts[2]!);
          setField(ownEntry(variants, parts[3]!, zeroDay), parts[4]!, value);
        }
        break;
      case "crossProduct":
        if (parts.length === 4) {
          setOwn(byKey(byKey(out.crossProducts, parts[1]!), parts[2]!), parts[3]!, value);
        }
        break;
      case "sliceExposures":
        if (parts.length === 4) setOwn(sliceOf(out, parts).exposures, parts[3]!, value);
        break;
      case "sliceMetric":
        if (parts.length === 6 && METRIC_FIELDS.has(parts[5]!)) {
          const variants = byKey(sliceOf(out, parts).metrics, parts[3]!);
          setField(ownEntry(variants, parts[4]!, zeroMetric), parts[5]!, value);
        }
        break;
    }
  }
  return out;
}

/**
 * An experiment's log summaries (variant -> metric -> summary) from its counters; ids of
 * other families are ignored.
 *
 * @example
 * logSummariesFromCounters([["log/control/latency/count", 2], ["log/control/latency/sum", 9]]);
 */
export function logSummariesFromCounters(
  counters: Iterable<readonly [string, number]>,
): LogSummaries {
  const out: LogSummaries = {};
  for (const [id, value] of counters) {
    const parts = id.split("/");
    if (parts[0] !== "log" || parts.length < 4) continue;
    const field = parts.length === 4 && LOG_FIELDS.has(parts[3]!);
    const bucket = parts.length === 5 && parts[3] === "bucket";
    if (!field && !bucket) continue;
    const summary = ownEntry(byKey(out, parts[1]!), parts[2]!, zeroSummary);
    if (field) summary[parts[3] as LogField] = value;
    else setOwn(summary.buckets, parts[4]!, value);
  }
  return out;
}

/**
 * The metrics an experiment keeps aggregates of, from its counter ids (for the cap on
 * undeclared metrics, `MAX_AGGREGATED_METRICS`).
 *
 * @example
 * aggregatedMetrics(["metric/clicks/control/events", "exposures/control"]); // Set {"clicks"}
 */
export function aggregatedMetrics(counterIds: Iterable<string>): Set<string> {
  const metrics = new Set<string>();
  for (const id of counterIds) {
    const parts = id.split("/");
    if (parts[0] === "metric" && parts.length === 4 && METRIC_FIELDS.has(parts[3]!)) {
      metrics.add(parts[1]!);
    }
  }
  return metrics;
}

/**
 * For store authors: the values an experiment keeps slices of, dimension -> slice keys
 * (`other` and `none` left out), from its counter ids: what `planAssignments` asks for the
 * cap `MAX_SLICE_VALUES`. Only `sliceExposures/` ids matter; a store may pass just those.
 *
 * @example
 * sliceValues(["sliceExposures/country/vRlI/control"]); // Map { "country" => Set {"vRlI"} }
 */
export function sliceValues(counterIds: Iterable<string>): Map<string, Set<string>> {
  const values = new Map<string, Set<string>>();
  for (const id of counterIds) {
    const parts = id.split("/");
    if (parts[0] !== "sliceExposures" || parts.length !== 4 || !isValueSlice(parts[2]!)) continue;
    const set = values.get(parts[1]!) ?? new Set<string>();
    set.add(parts[2]!);
    values.set(parts[1]!, set);
  }
  return values;
}

// --- Internal helpers ---

function sliceOf(out: ExperimentAggregates, parts: string[]): SliceAggregates {
  return ownEntry(byKey(out.slices, parts[1]!), parts[2]!, () => ({ exposures: {}, metrics: {} }));
}

const METRIC_FIELDS = new Set(["events", "sum", "sumSquares", "entities"]);
const COVARIATE_FIELDS = new Set(["entities", "sum", "sumSquares"]);
const PRODUCT_FIELDS = new Set(["sumXY", "sumXWithEvent"]);
const LOG_FIELDS = new Set<string>(["count", "sum", "sumSquares", "squared"]);
const DAY_FIELDS = new Set(["sum", "sumSquares", "entities"]);

const zeroMetric = (): MetricAggregate => ({ events: 0, sum: 0, sumSquares: 0, entities: 0 });
const zeroCovariate = (): CovariateAggregate => ({ entities: 0, sum: 0, sumSquares: 0 });
const zeroProduct = (): CovariateProduct => ({ sumXY: 0, sumXWithEvent: 0 });
const zeroDay = (): MetricDayAggregate => ({ sum: 0, sumSquares: 0, entities: 0 });
const zeroSummary = (): LogMetricSummary => ({ count: 0, sum: 0, buckets: {} });

function byKey<T>(record: Record<string, Record<string, T>>, key: string): Record<string, T> {
  return ownEntry(record, key, () => ({}));
}

function setOwn(record: Record<string, number>, key: string, value: number): void {
  ownEntry(record, key, () => value);
  record[key] = value;
}

// The field sets above were checked by the caller: only a known field is ever set.
function setField<T extends object>(cell: T, field: string, value: number): void {
  (cell as Record<string, number>)[field] = value;
}
