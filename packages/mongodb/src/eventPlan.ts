import { aggregateDelta, checkEventRecords, type EventRecord, exposureDay } from "@abkit/core";
import type { EventEntry, PlannedCounter } from "./productPlan.js";

/** The arithmetic of an event batch, free of I/O (tested without a server). */

/** The events of one entity's running total (experiment, metric, entity) in this batch. */
export interface PlannedTotal {
  experimentId: string;
  metricName: string;
  entityId: string;
  /** The entity's variant in the experiment: the aggregate its events move. */
  variantKey: string;
  /** The values, in batch order. */
  values: number[];
}

/** What a batch adds to one variant's aggregate of one metric. */
export interface PlannedAggregate {
  experimentId: string;
  metricName: string;
  variantKey: string;
  events: number;
  sum: number;
  sumSquares: number;
  entities: number;
}

/** An entity's running total before this batch (0 and 0 when it had none). */
export interface TotalBefore {
  sum: number;
  events: number;
}

/**
 * Throws the `validation_failed` the contract asks for when any value is not a finite
 * number or `crossMetrics` is malformed, before anything is written.
 */
export function validateEvents(events: readonly EventRecord[]): void {
  checkEventRecords(events);
}

/**
 * The indexes of the events that may count: every event without an idempotency key, and
 * the first event of each key in the batch (later repeats in the batch are duplicates).
 *
 * @example
 * firstOfEachKey([{ idempotencyKey: "k" }, { idempotencyKey: "k" }, { idempotencyKey: null }]);
 * // [0, 2]
 */
export function firstOfEachKey(events: readonly Pick<EventRecord, "idempotencyKey">[]): number[] {
  const seen = new Set<string>();
  const firsts: number[] = [];
  events.forEach((event, index) => {
    const key = event.idempotencyKey;
    if (key !== null) {
      if (seen.has(key)) return;
      seen.add(key);
    }
    firsts.push(index);
  });
  return firsts;
}

/**
 * Groups the accepted events (in order) by running total, for each experiment in which the
 * entity has a variant (`variantOf` returns undefined where it has none).
 */
export function planTotals(
  accepted: readonly EventEntry[],
  variantOf: (experimentId: string, entityId: string) => string | undefined,
): PlannedTotal[] {
  const totals = new Map<string, PlannedTotal>();
  const totalOf = (
    experimentId: string,
    metricName: string,
    entityId: string,
    variantKey: string,
  ) => {
    const id = totalKey(experimentId, metricName, entityId);
    let total = totals.get(id);
    if (!total) {
      total = { experimentId, metricName, entityId, variantKey, values: [] };
      totals.set(id, total);
    }
    return total;
  };
  for (const event of accepted) {
    for (const experimentId of event.experimentIds) {
      const variantKey = variantOf(experimentId, event.entityId);
      if (variantKey === undefined) continue;
      totalOf(experimentId, event.metricName, event.entityId, variantKey).values.push(event.value);
      // A partner's total is read with no value of its own.
      const partners = event.partners?.find((list) => list.experimentId === experimentId);
      for (const partner of partners?.metrics ?? []) {
        totalOf(experimentId, partner, event.entityId, variantKey);
      }
    }
  }
  return [...totals.values()];
}

/**
 * What the batch adds to each aggregate, from each total's state before the batch: every
 * value moves its variant's aggregate by `aggregateDelta(t, v, first)`, then `t += v`.
 *
 * @example
 * planAggregates([{ ..., variantKey: "A", values: [2, 3] }], () => ({ sum: 1, events: 1 }));
 * // [{ ..., events: 2, sum: 5, sumSquares: 36 - 1, entities: 0 }]
 */
export function planAggregates(
  totals: readonly PlannedTotal[],
  beforeOf: (total: PlannedTotal) => TotalBefore,
): PlannedAggregate[] {
  const aggregates = new Map<string, PlannedAggregate>();
  for (const total of totals) {
    if (total.values.length === 0) continue; // a partner's total: no aggregate moves
    const before = beforeOf(total);
    const id = totalKey(total.experimentId, total.metricName, total.variantKey);
    let aggregate = aggregates.get(id);
    if (!aggregate) {
      aggregate = {
        experimentId: total.experimentId,
        metricName: total.metricName,
        variantKey: total.variantKey,
        events: 0,
        sum: 0,
        sumSquares: 0,
        entities: 0,
      };
      aggregates.set(id, aggregate);
    }
    let running = before.sum;
    let first = before.events === 0;
    for (const value of total.values) {
      const delta = aggregateDelta(running, value, first);
      aggregate.events += delta.events;
      aggregate.sum += delta.sum;
      aggregate.sumSquares += delta.sumSquares;
      aggregate.entities += delta.entities;
      running += value;
      first = false;
    }
  }
  return [...aggregates.values()];
}

/**
 * What the accepted events add to each entity's daily totals: one counter per (entity,
 * metric, UTC day of the timestamp); events whose time has no day count nowhere.
 *
 * @example
 * planDayTotals("p", [{ entityId: "u1", metricName: "m", value: 2, timestamp: "2026-01-02T03:00:00Z" }]);
 * // [{ key: { projectId: "p", entityId: "u1", metricName: "m", day: "2026-01-02" }, inc: { total: 2 } }]
 */
export function planDayTotals(
  projectId: string,
  accepted: readonly Pick<EventRecord, "entityId" | "metricName" | "value" | "timestamp">[],
): PlannedCounter[] {
  const counters = new Map<string, PlannedCounter>();
  for (const { entityId, metricName, value, timestamp } of accepted) {
    const day = exposureDay(timestamp);
    if (day === null) continue;
    const id = `${entityId}\u0000${metricName}\u0000${day}`;
    let counter = counters.get(id);
    if (!counter) {
      counter = { key: { projectId, entityId, metricName, day }, inc: { total: 0 } };
      counters.set(id, counter);
    }
    counter.inc.total! += value;
  }
  return [...counters.values()];
}

/** The sum of a total's values (what its running total moves by). */
export function sumOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}

/** Names a (experiment, metric, entity-or-variant) triple; ids never contain NUL. */
export function totalKey(experimentId: string, metricName: string, last: string): string {
  return `${experimentId}\u0000${metricName}\u0000${last}`;
}
