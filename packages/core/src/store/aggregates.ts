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
    slices: {},
  };
}
