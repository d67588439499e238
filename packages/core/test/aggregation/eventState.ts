// What the planEvents tests share: an event builder and a store's state kept in plain Maps,
// which answers planEvents' lookups and applies its plans the way a store does.
import {
  aggregatedMetrics,
  aggregatesFromCounters,
  counterId,
} from "../../src/aggregation/counters.js";
import type {
  EventBatchState,
  EventPlan,
  RunningTotal,
  StoredAssignment,
} from "../../src/aggregation/planEvents.js";
import type { EventRecord } from "../../src/schema/event.js";
import type { ExperimentAggregates } from "../../src/store.js";

export const PROJECT = "p1";

/** An event of `clicks` (value 1, no key) by `u1`, for experiment `e1`, changed by `overrides`. */
export function event(overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    id: "evt_1",
    entityId: "u1",
    metricName: "clicks",
    value: 1,
    idempotencyKey: null,
    timestamp: "2026-03-01T12:00:00.000Z",
    experimentIds: ["e1"],
    ...overrides,
  };
}

/** One project's state as plain Maps: what planEvents reads, and what its plans write. */
export class MapState implements EventBatchState {
  readonly seenKeys = new Set<string>();
  readonly assignments = new Map<string, StoredAssignment>();
  readonly totals = new Map<string, RunningTotal>();
  /** experiment -> counter id -> value. */
  readonly counters = new Map<string, Map<string, number>>();
  /** `entity/metric/day` -> Σ values. */
  readonly dayTotals = new Map<string, number>();

  assign(
    experimentId: string,
    entityId: string,
    variantKey: string,
    covariates?: Record<string, number>,
  ): this {
    this.assignments.set(`${experimentId}/${entityId}`, { variantKey, covariates });
    return this;
  }

  /** Gives the experiment aggregates of `metrics` (one counter each), for the cap. */
  withMetrics(experimentId: string, metrics: readonly string[]): this {
    for (const metric of metrics)
      this.add(experimentId, counterId.metric(metric, "A", "events"), 1);
    return this;
  }

  seen(idempotencyKey: string): boolean {
    return this.seenKeys.has(idempotencyKey);
  }

  assignment(experimentId: string, entityId: string): StoredAssignment | undefined {
    return this.assignments.get(`${experimentId}/${entityId}`);
  }

  total(experimentId: string, metricName: string, entityId: string): RunningTotal | undefined {
    return this.totals.get(`${experimentId}/${metricName}/${entityId}`);
  }

  aggregatedMetrics(experimentId: string): ReadonlySet<string> {
    return aggregatedMetrics(this.counters.get(experimentId)?.keys() ?? []);
  }

  /** Writes a plan as a store does in its atomic unit. */
  apply(plan: EventPlan): void {
    for (const { idempotencyKey } of plan.acceptedEvents) {
      if (idempotencyKey !== null) this.seenKeys.add(idempotencyKey);
    }
    for (const { experimentId, metricName, entityId, events, sum } of plan.totals) {
      this.totals.set(`${experimentId}/${metricName}/${entityId}`, { events, sum });
    }
    for (const { projectId, experimentId, counter, delta } of plan.counters) {
      if (projectId !== PROJECT) throw new Error(`counter of project ${projectId}`);
      this.add(experimentId, counter, delta);
    }
    for (const { entityId, metricName, day, delta } of plan.dayTotals) {
      const id = `${entityId}/${metricName}/${day}`;
      this.dayTotals.set(id, (this.dayTotals.get(id) ?? 0) + delta);
    }
  }

  aggregates(experimentId: string): ExperimentAggregates {
    return aggregatesFromCounters(this.counters.get(experimentId) ?? []);
  }

  private add(experimentId: string, counter: string, delta: number): void {
    const counters = this.counters.get(experimentId) ?? new Map<string, number>();
    this.counters.set(experimentId, counters);
    counters.set(counter, (counters.get(counter) ?? 0) + delta);
  }
}

/** The lookups planEvents made of a state, each with its arguments. */
export interface Lookups {
  seen: string[];
  assignment: { experimentId: string; entityId: string }[];
  total: { experimentId: string; metricName: string; entityId: string }[];
  aggregatedMetrics: string[];
}

/** `state`, answering the same, with every lookup recorded in `lookups`. */
export function recording(state: EventBatchState): { state: EventBatchState; lookups: Lookups } {
  const lookups: Lookups = { seen: [], assignment: [], total: [], aggregatedMetrics: [] };
  return {
    lookups,
    state: {
      seen(key) {
        lookups.seen.push(key);
        return state.seen(key);
      },
      assignment(experimentId, entityId) {
        lookups.assignment.push({ experimentId, entityId });
        return state.assignment(experimentId, entityId);
      },
      total(experimentId, metricName, entityId) {
        lookups.total.push({ experimentId, metricName, entityId });
        return state.total(experimentId, metricName, entityId);
      },
      aggregatedMetrics(experimentId) {
        lookups.aggregatedMetrics.push(experimentId);
        return state.aggregatedMetrics(experimentId);
      },
    },
  };
}

/** The plan's counters of one experiment as counter id -> delta (one increment per counter). */
export function countersIn(plan: EventPlan, experimentId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { experimentId: id, counter, delta } of plan.counters) {
    if (id !== experimentId) continue;
    if (Object.hasOwn(out, counter)) throw new Error(`two increments of ${counter}`);
    out[counter] = delta;
  }
  return out;
}
