// Which aggregates an event touches (the undeclared-metric cap, ratio partners) and the empty
// value: read by the core's planner, and by a store that restates it in a script (Redis).
import type { EventRecord } from "../schema/event.js";
import type { ExperimentAggregates } from "../store.js";

/**
 * For store authors: whether `event`'s metric may start new aggregates in `experimentId`
 * beyond the cap: true when the experiment declares it (it is not in `undeclaredIn`).
 * A store applies an event to an experiment when this is true, or the experiment already
 * has aggregates of the metric, or it has aggregates of fewer than `MAX_AGGREGATED_METRICS`
 * metrics.
 *
 * @example
 * if (declaredIn(event, experimentId) || known.has(metric) || known.size < MAX_AGGREGATED_METRICS) apply();
 */
export function declaredIn(
  event: Pick<EventRecord, "undeclaredIn">,
  experimentId: string,
): boolean {
  return event.undeclaredIn === undefined || !event.undeclaredIn.includes(experimentId);
}

/**
 * For store authors: the partners of `event` in `experimentId` whose totals its value
 * multiplies, each once, without its own metric (in the order listed).
 *
 * @example
 * crossPartners({ metricName: "a", crossMetrics: { e: ["b", "a", "b"] } }, "e"); // ["b"]
 */
export function crossPartners(
  event: Pick<EventRecord, "metricName" | "crossMetrics">,
  experimentId: string,
): string[] {
  const listed = event.crossMetrics && Object.hasOwn(event.crossMetrics, experimentId);
  if (!listed) return [];
  const names = event.crossMetrics?.[experimentId] ?? [];
  return [...new Set(names)].filter((name) => name !== event.metricName);
}

/**
 * For store authors: the two metrics of a cross product in the order `crossProducts` keys
 * them (plain JavaScript string comparison, smaller first).
 *
 * @example
 * crossPair("revenue", "orders"); // ["orders", "revenue"]
 */
export function crossPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/**
 * For store authors: the cap of `metricName` in `experimentId` that `event` carries (see
 * `EventRecord.caps`), or undefined when that metric is not capped there.
 *
 * @example
 * metricCap({ caps: { e: { revenue: 100 } } }, "e", "revenue"); // 100
 */
export function metricCap(
  event: Pick<EventRecord, "caps">,
  experimentId: string,
  metricName: string,
): number | undefined {
  const caps = event.caps;
  if (caps === undefined || !Object.hasOwn(caps, experimentId)) return undefined;
  const byMetric = caps[experimentId];
  return byMetric && Object.hasOwn(byMetric, metricName) ? byMetric[metricName] : undefined;
}

/**
 * For store authors: what a running total counts as under a cap: `min(total, cap)` (a
 * negative total is unchanged, as caps are positive); the total itself without one.
 *
 * @example
 * capped(250, 100); // 100
 * capped(-5, 100); // -5
 */
export function capped(total: number, cap: number | undefined): number {
  return cap !== undefined && total > cap ? cap : total;
}

/** For store authors: the aggregates of an experiment with no data, every map empty. */
export function emptyAggregates(): ExperimentAggregates {
  return {
    exposures: {},
    exposuresByDay: {},
    metrics: {},
    covariates: {},
    covariateProducts: {},
    crossProducts: {},
    eventsByDay: {},
    metricsByDay: {},
    slices: {},
  };
}
