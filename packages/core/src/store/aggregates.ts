// For store authors: the arithmetic of experiment aggregates (how one event moves them, which
// aggregates and cross products it touches, the empty value), in one place so every store
// computes the same numbers.
import type { EventRecord } from "../schema/event.js";
import type { ExperimentAggregates } from "../store.js";

/**
 * For store authors: how one event of `value` moves its variant's aggregate, given the
 * entity's running total `total` before it (0 for its first event). Keeping the arithmetic
 * in one place keeps every store's sums of squares identical.
 *
 * @example
 * const delta = aggregateDelta(previousTotal, event.value, isFirstEvent);
 * aggregate.sumSquares += delta.sumSquares;
 */
export function aggregateDelta(
  total: number,
  value: number,
  firstEvent: boolean,
): { events: 1; sum: number; sumSquares: number; entities: 0 | 1 } {
  return {
    events: 1,
    sum: value,
    sumSquares: (total + value) ** 2 - total ** 2,
    entities: firstEvent ? 1 : 0,
  };
}

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
  };
}
