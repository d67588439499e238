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
 * day of its time in `eventsByDay`. Per entity u with total t_u, read through the metric's
 * cap `c(t) = min(t, cap)` where the events carry one (`caps`): `sum = Σ c(t_u)`,
 * `sumSquares = Σ c(t_u)²`. `metricsByDay` files each event's move of `c(t)` and `c(t)²`
 * (entity's total before and after it, in the order given) under the event's day, and the
 * entity under the day of its first event.
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

  // metric -> variant -> entity -> { events, total, cap }
  const totals = new Map<
    string,
    Map<string, Map<string, { events: number; total: number; cap: number | undefined }>>
  >();
  const eventsByDay: ExperimentAggregates["eventsByDay"] = {};
  const metricsByDay: ExperimentAggregates["metricsByDay"] = {};
  for (const event of accepted) {
    const variant = assigned.get(event.entityId);
    if (variant === undefined || !event.experimentIds.includes(experimentId)) continue;
    const byVariant = getOrSet(totals, event.metricName, () => new Map());
    const byEntity = getOrSet(byVariant, variant, () => new Map());
    const entity = getOrSet(byEntity, event.entityId, () => ({
      events: 0,
      total: 0,
      cap: undefined as number | undefined,
    }));
    entity.cap = event.caps?.[experimentId]?.[event.metricName];
    const before = capAt(entity.total, entity.cap);
    const after = capAt(entity.total + event.value, entity.cap);
    const time = Date.parse(event.timestamp);
    if (Number.isFinite(time)) {
      const eventDay = new Date(time).toISOString().slice(0, 10);
      if (!Object.hasOwn(eventsByDay, event.metricName)) eventsByDay[event.metricName] = {};
      countExposureDay(eventsByDay[event.metricName]!, eventDay, variant);
      const days = getOwn(metricsByDay, event.metricName, () => ({}));
      const cell = getOwn(
        getOwn(days, eventDay, () => ({})),
        variant,
        () => ({
          sum: 0,
          sumSquares: 0,
          entities: 0,
        }),
      );
      cell.sum += entity.cap === undefined ? event.value : after - before;
      cell.sumSquares += after * after - before * before;
      if (entity.events === 0) cell.entities += 1;
    }
    entity.events += 1;
    entity.total += event.value;
  }

  const metrics: Record<string, Record<string, MetricAggregate>> = {};
  for (const [metric, byVariant] of totals) {
    const variants: Record<string, MetricAggregate> = {};
    for (const [variant, byEntity] of byVariant) {
      const aggregate = { events: 0, sum: 0, sumSquares: 0, entities: 0 };
      for (const { events, total, cap } of byEntity.values()) {
        const counted = capAt(total, cap);
        aggregate.events += events;
        aggregate.sum += counted;
        aggregate.sumSquares += counted * counted;
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
    metricsByDay,
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

// A total read through a cap (min(total, cap)), the suite's own copy of the rule.
function capAt(total: number, cap: number | undefined): number {
  return cap !== undefined && total > cap ? cap : total;
}

function getOwn<T>(record: Record<string, T>, key: string, make: () => T): T {
  if (!Object.hasOwn(record, key)) record[key] = make();
  return record[key]!;
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
