import type { EventRecord, ExperimentAggregates, MetricAggregate } from "@abkit/core";
import { seededRandom as coreSeededRandom } from "@abkit/core/stats";
import { AT_DAY } from "./fixtures.js";

/**
 * The suite's own arithmetic: what a store must report, recomputed from the events a test
 * sent, without the running totals a store keeps.
 */

/**
 * The events a store must accept from `sent`, in order: every event without an idempotency
 * key, and the first event of each key (in this project).
 */
export function firstOfEachKey(sent: readonly EventRecord[]): EventRecord[] {
  const seen = new Set<string>();
  return sent.filter((event) => {
    if (event.idempotencyKey === null) return true;
    if (seen.has(event.idempotencyKey)) return false;
    seen.add(event.idempotencyKey);
    return true;
  });
}

/**
 * The aggregates of `experimentId` from scratch: exposures are the variants of `assigned`
 * (entity -> variant), all made on `day` (the day of the fixtures' `AT` by default), and
 * each accepted event naming the experiment counts for its entity's variant, and on the UTC
 * day of its time in `eventsByDay`. Per entity u with total t_u: `sum = Σ t_u`,
 * `sumSquares = Σ t_u²`.
 */
export function recount(
  experimentId: string,
  assigned: ReadonlyMap<string, string>,
  accepted: readonly EventRecord[],
  day: string = AT_DAY,
): ExperimentAggregates {
  const exposures: Record<string, number> = {};
  for (const variant of assigned.values()) exposures[variant] = (exposures[variant] ?? 0) + 1;
  const exposuresByDay = assigned.size > 0 ? { [day]: { ...exposures } } : {};

  // metric -> variant -> entity -> { events, total }
  const totals = new Map<string, Map<string, Map<string, { events: number; total: number }>>>();
  const eventsByDay: ExperimentAggregates["eventsByDay"] = {};
  for (const event of accepted) {
    const variant = assigned.get(event.entityId);
    if (variant === undefined || !event.experimentIds.includes(experimentId)) continue;
    const time = Date.parse(event.timestamp);
    if (Number.isFinite(time)) {
      if (!Object.hasOwn(eventsByDay, event.metricName)) eventsByDay[event.metricName] = {};
      const day = new Date(time).toISOString().slice(0, 10);
      countExposureDay(eventsByDay[event.metricName]!, day, variant);
    }
    const byVariant = getOrSet(totals, event.metricName, () => new Map());
    const byEntity = getOrSet(byVariant, variant, () => new Map());
    const entity = getOrSet(byEntity, event.entityId, () => ({ events: 0, total: 0 }));
    entity.events += 1;
    entity.total += event.value;
  }

  const metrics: Record<string, Record<string, MetricAggregate>> = {};
  for (const [metric, byVariant] of totals) {
    const variants: Record<string, MetricAggregate> = {};
    for (const [variant, byEntity] of byVariant) {
      const aggregate = { events: 0, sum: 0, sumSquares: 0, entities: 0 };
      for (const { events, total } of byEntity.values()) {
        aggregate.events += events;
        aggregate.sum += total;
        aggregate.sumSquares += total * total;
        aggregate.entities += 1;
      }
      variants[variant] = aggregate;
    }
    metrics[metric] = variants;
  }
  return {
    exposures,
    exposuresByDay,
    metrics,
    covariates: {},
    covariateProducts: {},
    crossProducts: {},
    eventsByDay,
    slices: {},
  };
}

/**
 * Adds one exposure (or event) of `variant` on `day` to a by-day map being built.
 *
 * @example
 * const byDay = {};
 * countExposureDay(byDay, "2026-03-01", "control"); // { "2026-03-01": { control: 1 } }
 */
export function countExposureDay(
  byDay: Record<string, Record<string, number>>,
  day: string,
  variant: string,
): void {
  const variants = byDay[day] ?? {};
  variants[variant] = (variants[variant] ?? 0) + 1;
  byDay[day] = variants;
}

/** A seeded generator of floats in [0, 1): the same test data on every run. */
export const seededRandom = coreSeededRandom;

/** A shuffled copy of `items` (Fisher-Yates with `random`). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** `items` cut into consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// --- Internal helpers ---

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
