// What a batch of events does to the aggregates, free of I/O: dedup by idempotency key, each
// entity's running totals, its variant's metric aggregates (exact sums of squares, capped
// metrics, per-day increments), CUPED covariate products, ratio cross products, the
// undeclared-metric cap and daily entity totals. Every store applies this plan in its atomic
// unit; Redis's Lua restates it.

import type { EventRecord } from "../schema/event.js";
import { MAX_AGGREGATED_METRICS } from "../schema/event.js";
import { capped, crossPair, crossPartners, declaredIn, metricCap } from "../store/aggregates.js";
import { exposureDay } from "../store/days.js";
import type { MetricAggregate } from "../store.js";
import { type CounterIncrement, counterId } from "./counters.js";
import { Increments } from "./increments.js";
import { MetricDays } from "./metricDays.js";

/** An entity's running total of one metric in one experiment: its events and their sum. */
export interface RunningTotal {
  events: number;
  sum: number;
}

/** An entity's stored assignment: its variant and the covariates and slices kept with it. */
export interface StoredAssignment {
  variantKey: string;
  covariates?: Readonly<Record<string, number>> | undefined;
  /** Dimension -> slice key, as `planAssignments` planned it (`PlannedAssignment.slices`). */
  slices?: Readonly<Record<string, string>> | undefined;
}

/**
 * What a batch reads, as the store holds it before the batch. Lookups are synchronous:
 * stores that read asynchronously fetch what `eventReads` lists first.
 */
export interface EventBatchState {
  /** Whether the project has seen this idempotency key (before this batch). */
  seen(idempotencyKey: string): boolean;
  /** The entity's assignment in the experiment, or undefined. */
  assignment(experimentId: string, entityId: string): StoredAssignment | undefined;
  /** The entity's running total, or undefined before its first counted event. */
  total(experimentId: string, metricName: string, entityId: string): RunningTotal | undefined;
  /**
   * The metrics the experiment keeps aggregates of (`aggregatedMetrics` of its counter ids);
   * asked only for an experiment where an event's metric is undeclared.
   */
  aggregatedMetrics(experimentId: string): ReadonlySet<string>;
}

/** A running total after the batch: the store writes these values (not deltas). */
export interface TotalUpdate extends RunningTotal {
  experimentId: string;
  metricName: string;
  entityId: string;
}

/** What the batch adds to one entity's total of one metric on one UTC day. */
export interface DayTotalIncrement {
  entityId: string;
  metricName: string;
  day: string;
  delta: number;
}

/** What a store writes for one `applyEvents` call, in its atomic unit. */
export interface EventPlan {
  accepted: number;
  deduped: number;
  /** The events counted, in batch order: the store keeps their idempotency keys (and them). */
  acceptedEvents: EventRecord[];
  /** The running totals the batch moved, with their new values. */
  totals: TotalUpdate[];
  /** What the batch adds to the experiments' counters (see `counterId`). */
  counters: CounterIncrement[];
  /** What the batch adds to per-entity daily totals (for pre-period covariates). */
  dayTotals: DayTotalIncrement[];
}

/** What `planEvents` may ask the state for: stores that read in bulk fetch these first. */
export interface EventReads {
  idempotencyKeys: string[];
  /** (experiment, entity) pairs whose assignment may be needed. */
  assignments: { experimentId: string; entityId: string }[];
  /** (experiment, metric, entity) running totals that may be needed (own and partners'). */
  totals: { experimentId: string; metricName: string; entityId: string }[];
  /** Experiments where some event's metric is undeclared (their metrics may be needed). */
  experimentsWithUndeclared: string[];
}

/**
 * Plans an `applyEvents` batch of one project from the state it reads. The events must
 * have passed `checkEventRecords` (`defineStore` runs it).
 *
 * @example
 * const plan = planEvents(projectId, events, state);
 * // in one transaction: remember plan.acceptedEvents' keys, write plan.totals,
 * // add plan.counters and plan.dayTotals
 */
export function planEvents(
  projectId: string,
  events: readonly EventRecord[],
  state: EventBatchState,
): EventPlan {
  const keysInBatch = new Set<string>();
  const totals = new Map<string, TotalUpdate>();
  const moved = new Set<TotalUpdate>();
  const metricsByExperiment = new Map<string, Set<string>>();
  const counters = new Increments();
  const cells = new Map<string, MetricCell>();
  const metricDays = new MetricDays();
  const dayTotals = new Map<string, DayTotalIncrement>();
  const sliceCells = new Map<string, SliceCell>();
  const acceptedEvents: EventRecord[] = [];
  // One batch usually shares one time (track stamps it): parse each distinct time once.
  let lastTime: string | undefined;
  let lastDay: string | null = null;
  const dayOf = (timestamp: string) => {
    if (timestamp !== lastTime) [lastTime, lastDay] = [timestamp, exposureDay(timestamp)];
    return lastDay;
  };
  // A variant's aggregate of a metric moves once per event: summed here, written as counters
  // at the end, so a batch costs one map lookup per event, not one per counter.
  const cellOf = (experimentId: string, metricName: string, variantKey: string) => {
    const id = `${experimentId}\u0000${metricName}\u0000${variantKey}`;
    let cell = cells.get(id);
    if (!cell) {
      cell = {
        experimentId,
        metricName,
        variantKey,
        events: 0,
        sum: 0,
        sumSquares: 0,
        entities: 0,
        days: new Map(),
      };
      cells.set(id, cell);
    }
    return cell;
  };

  const totalOf = (experimentId: string, metricName: string, entityId: string) => {
    const id = `${experimentId}\u0000${metricName}\u0000${entityId}`;
    let total = totals.get(id);
    if (!total) {
      const before = state.total(experimentId, metricName, entityId);
      total = { experimentId, metricName, entityId, events: 0, sum: 0, ...before };
      totals.set(id, total);
    }
    return total;
  };
  // The cap: a metric the experiment does not declare starts aggregates only below it.
  const admitted = (event: EventRecord, experimentId: string) => {
    let metrics = metricsByExperiment.get(experimentId);
    if (declaredIn(event, experimentId)) {
      metrics?.add(event.metricName);
      return true;
    }
    if (!metrics) {
      metrics = new Set(state.aggregatedMetrics(experimentId));
      for (const total of moved) {
        if (total.experimentId === experimentId) metrics.add(total.metricName);
      }
      metricsByExperiment.set(experimentId, metrics);
    }
    if (!metrics.has(event.metricName) && metrics.size >= MAX_AGGREGATED_METRICS) return false;
    metrics.add(event.metricName);
    return true;
  };

  for (const event of events) {
    const key = event.idempotencyKey;
    if (key !== null) {
      if (keysInBatch.has(key) || state.seen(key)) continue;
      keysInBatch.add(key);
    }
    acceptedEvents.push(event);
    const { entityId, metricName, value } = event;
    const day = dayOf(event.timestamp);
    if (day !== null) {
      const id = `${entityId}\u0000${metricName}\u0000${day}`;
      const dayTotal = dayTotals.get(id);
      if (dayTotal) dayTotal.delta += value;
      else dayTotals.set(id, { entityId, metricName, day, delta: value });
    }
    for (const experimentId of event.experimentIds) {
      const assignment = state.assignment(experimentId, entityId);
      if (assignment === undefined || !admitted(event, experimentId)) continue;
      const { variantKey, covariates } = assignment;
      const add = (counter: string, delta: number) =>
        counters.add(projectId, experimentId, counter, delta);
      const total = totalOf(experimentId, metricName, entityId);
      const first = total.events === 0;
      const cell = cellOf(experimentId, metricName, variantKey);
      // Per-entity running totals make the sum of squares exact: Σ t² moves by (t+v)² - t²,
      // with t read through the metric's cap (the running total itself stays raw).
      const moves = cappedMoves(total.sum, value, metricCap(event, experimentId, metricName));
      cell.events += 1;
      cell.sum += moves.sum;
      cell.sumSquares += moves.sumSquares;
      if (first) cell.entities += 1;
      if (day !== null) {
        cell.days.set(day, (cell.days.get(day) ?? 0) + 1);
        metricDays.add(experimentId, metricName, day, variantKey, { ...moves, first });
      }
      if (assignment.slices) {
        // A slice moves as its variant does: the same (capped) sums.
        const delta = { events: 1, ...moves, entities: first ? 1 : 0 };
        addToSlices(sliceCells, experimentId, metricName, variantKey, assignment.slices, delta);
      }
      for (const [covariate, x] of covariates ? Object.entries(covariates) : []) {
        add(counterId.covariateProduct(metricName, covariate, variantKey, "sumXY"), x * moves.sum);
        add(
          counterId.covariateProduct(metricName, covariate, variantKey, "sumXWithEvent"),
          first ? x : 0,
        );
      }
      for (const partner of crossPartners(event, experimentId)) {
        const [metricA, metricB] = crossPair(metricName, partner);
        const partnerTotal = totalOf(experimentId, partner, entityId).sum;
        const partnerSum = capped(partnerTotal, metricCap(event, experimentId, partner));
        add(counterId.crossProduct(metricA, metricB, variantKey), moves.sum * partnerSum);
      }
      total.events += 1;
      total.sum += value;
      moved.add(total);
    }
  }
  for (const {
    experimentId,
    metricName: metric,
    variantKey: variant,
    days,
    ...sums
  } of cells.values()) {
    for (const field of METRIC_FIELDS) {
      counters.add(projectId, experimentId, counterId.metric(metric, variant, field), sums[field]);
    }
    for (const [day, n] of days) {
      counters.add(projectId, experimentId, counterId.eventsByDay(metric, day, variant), n);
    }
  }
  metricDays.writeTo(counters, projectId);
  for (const {
    experimentId,
    dimension,
    slice,
    metricName,
    variantKey,
    ...sums
  } of sliceCells.values()) {
    for (const field of METRIC_FIELDS) {
      const counter = counterId.sliceMetric(dimension, slice, metricName, variantKey, field);
      counters.add(projectId, experimentId, counter, sums[field]);
    }
  }
  return {
    accepted: acceptedEvents.length,
    deduped: events.length - acceptedEvents.length,
    acceptedEvents,
    // A partner's total read but never moved is not written.
    totals: [...moved],
    counters: counters.list(),
    dayTotals: [...dayTotals.values()],
  };
}

/** What a batch adds to one variant's aggregate of one metric, and to its events by day. */
interface MetricCell extends MetricAggregate {
  experimentId: string;
  metricName: string;
  variantKey: string;
  days: Map<string, number>;
}

const METRIC_FIELDS = ["events", "sum", "sumSquares", "entities"] as const;

/** What a batch adds to one variant's aggregate of one metric in one slice of a dimension. */
interface SliceCell extends MetricAggregate {
  experimentId: string;
  dimension: string;
  slice: string;
  metricName: string;
  variantKey: string;
}

// Adds one event's move to the entity's slice of each dimension kept with its assignment.
function addToSlices(
  cells: Map<string, SliceCell>,
  experimentId: string,
  metricName: string,
  variantKey: string,
  slices: Readonly<Record<string, string>>,
  delta: MetricAggregate,
): void {
  for (const [dimension, slice] of Object.entries(slices)) {
    const id = `${experimentId}\u0000${dimension}\u0000${slice}\u0000${metricName}\u0000${variantKey}`;
    let cell = cells.get(id);
    if (!cell) {
      cell = { experimentId, dimension, slice, metricName, variantKey, ...zeroAggregate() };
      cells.set(id, cell);
    }
    for (const field of METRIC_FIELDS) cell[field] += delta[field];
  }
}

function zeroAggregate(): MetricAggregate {
  return { events: 0, sum: 0, sumSquares: 0, entities: 0 };
}

/**
 * What one event of `value` adds to its variant's sum and sum of squares when the entity's
 * running total was `total`: with `c(t) = min(t, cap)`, `c(t + v) - c(t)` and
 * `c(t + v)² - c(t)²`. Uncapped, the sum moves by `value` itself (not `(t + v) - t`, which
 * may round).
 */
function cappedMoves(total: number, value: number, cap: number | undefined) {
  const before = capped(total, cap);
  const after = capped(total + value, cap);
  return {
    sum: cap === undefined ? value : after - before,
    sumSquares: after ** 2 - before ** 2,
  };
}

/**
 * Everything `planEvents` may ask of the state for this batch, for stores that read in bulk
 * (one query per kind) before planning.
 *
 * @example
 * const reads = eventReads(events);
 * const seen = await keys.find({ key: { $in: reads.idempotencyKeys } }).toArray();
 */
export function eventReads(events: readonly EventRecord[]): EventReads {
  const keys = new Set<string>();
  const assignments = new Map<string, { experimentId: string; entityId: string }>();
  const totals = new Map<string, { experimentId: string; metricName: string; entityId: string }>();
  const undeclared = new Set<string>();
  for (const event of events) {
    if (event.idempotencyKey !== null) keys.add(event.idempotencyKey);
    const { entityId } = event;
    for (const experimentId of event.experimentIds) {
      assignments.set(`${experimentId}\u0000${entityId}`, { experimentId, entityId });
      for (const metricName of [event.metricName, ...crossPartners(event, experimentId)]) {
        totals.set(`${experimentId}\u0000${metricName}\u0000${entityId}`, {
          experimentId,
          metricName,
          entityId,
        });
      }
      if (!declaredIn(event, experimentId)) undeclared.add(experimentId);
    }
  }
  return {
    idempotencyKeys: [...keys],
    assignments: [...assignments.values()],
    totals: [...totals.values()],
    experimentsWithUndeclared: [...undeclared],
  };
}
