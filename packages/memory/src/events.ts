import {
  aggregateDelta,
  checkAssignmentRecords,
  checkEntityTotalsRequests,
  checkEventRecords,
  dayRange,
  declaredIn,
  type EventRecord,
  type EventStore,
  exposureDay,
  MAX_AGGREGATED_METRICS,
  type MetricAggregate,
  ownEntry,
} from "@abkit/core";
import { addCovariates, addProducts, readProducts } from "./products.js";
import { experimentState, type MemoryState } from "./state.js";

/** Assignments, event batches with dedup, and incrementally kept aggregates. */
export function eventMethods(state: MemoryState): EventStore {
  return {
    async recordAssignments(assignments) {
      // Check every record before the first write: a bad call changes nothing.
      checkAssignmentRecords(assignments);
      return assignments.map((record) => {
        const key = assignmentKey(record.projectId, record.experimentId, record.entityId);
        const existing = state.assignments.get(key);
        if (existing !== undefined) return existing;
        state.assignments.set(key, record.variantKey);
        const experiment = experimentState(state, record.projectId, record.experimentId);
        increment(experiment.exposures, record.variantKey);
        const covariates = Object.entries(record.covariates ?? {});
        if (covariates.length > 0) {
          state.assignmentCovariates.set(key, covariates);
          addCovariates(experiment, record.variantKey, covariates);
        }
        const day = exposureDay(record.assignedAt);
        if (day !== null) {
          let variants = experiment.exposuresByDay.get(day);
          if (!variants) {
            variants = new Map();
            experiment.exposuresByDay.set(day, variants);
          }
          increment(variants, record.variantKey);
        }
        return record.variantKey;
      });
    },

    async getAssignment(projectId, experimentId, entityId) {
      return state.assignments.get(assignmentKey(projectId, experimentId, entityId)) ?? null;
    },

    async applyEvents(projectId, events) {
      // Check every event before the first write: a bad batch changes nothing.
      checkEventRecords(events);
      let accepted = 0;
      let deduped = 0;
      for (const event of events) {
        if (event.idempotencyKey !== null) {
          const seenKey = `${projectId}\u0000${event.idempotencyKey}`;
          if (state.seenKeys.has(seenKey)) {
            deduped += 1;
            continue;
          }
          rememberKey(state, seenKey);
        }
        accepted += 1;
        // The event itself is not kept: only what dedup, covariates and aggregates read.
        const day = exposureDay(event.timestamp);
        if (day !== null) addDayTotal(state, day, projectId, event);
        for (const experimentId of event.experimentIds) {
          const variantKey = state.assignments.get(
            assignmentKey(projectId, experimentId, event.entityId),
          );
          if (variantKey === undefined) continue;
          if (!admitted(experimentState(state, projectId, experimentId), event, experimentId)) {
            continue;
          }
          addToAggregates(state, projectId, experimentId, variantKey, event);
        }
      }
      return { accepted, deduped };
    },

    async readEntityTotals(projectId, requests) {
      checkEntityTotalsRequests(requests);
      return requests.map(({ entityId, metrics, fromDay, toDay }) => {
        const days = dayRange(fromDay, toDay);
        const totals: Record<string, number> = {};
        for (const metric of metrics) {
          let sum = 0;
          const key = dayTotalKey(projectId, entityId, metric);
          for (const day of days) sum += state.entityDayTotals.get(day)?.get(key) ?? 0;
          ownEntry(totals, metric, () => sum);
        }
        return totals;
      });
    },

    async readAggregates(projectId, experimentId) {
      const experiment = experimentState(state, projectId, experimentId);
      const metrics: Record<string, Record<string, MetricAggregate>> = {};
      for (const [metricName, variants] of experiment.metrics) {
        metrics[metricName] = Object.fromEntries(
          [...variants].map(([key, agg]) => [key, { ...agg }]),
        );
      }
      const exposuresByDay = Object.fromEntries(
        [...experiment.exposuresByDay].map(([day, variants]) => [
          day,
          Object.fromEntries(variants),
        ]),
      );
      return {
        exposures: Object.fromEntries(experiment.exposures),
        exposuresByDay,
        metrics,
        ...readProducts(experiment),
      };
    },
  };
}

// --- Internal helpers ---

// A metric the experiment does not declare starts new aggregates only below the cap.
function admitted(
  experiment: { metrics: Map<string, unknown> },
  event: EventRecord,
  experimentId: string,
): boolean {
  return (
    declaredIn(event, experimentId) ||
    experiment.metrics.has(event.metricName) ||
    experiment.metrics.size < MAX_AGGREGATED_METRICS
  );
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function dayTotalKey(projectId: string, entityId: string, metric: string): string {
  return `${projectId}\u0000${entityId}\u0000${metric}`;
}

// Dedup remembers the newest keys: past the bound, the oldest is forgotten (a Set iterates
// in insertion order).
function rememberKey(state: MemoryState, seenKey: string): void {
  state.seenKeys.add(seenKey);
  if (state.seenKeys.size > state.maxIdempotencyKeys) {
    const oldest = state.seenKeys.values().next().value;
    if (oldest !== undefined) state.seenKeys.delete(oldest);
  }
}

// A covariate looks back at most 366 days before an exposure: day totals older than that,
// counted from the newest event's day, can never be read again.
function addDayTotal(state: MemoryState, day: string, projectId: string, event: EventRecord) {
  if (state.newestDay === null || day > state.newestDay) {
    state.newestDay = day;
    state.oldestDayKept = dayOffset(day, -DAY_TOTALS_KEPT);
    for (const kept of state.entityDayTotals.keys()) {
      if (kept < state.oldestDayKept) state.entityDayTotals.delete(kept);
    }
  }
  if (day < state.oldestDayKept) return;
  let totals = state.entityDayTotals.get(day);
  if (!totals) {
    totals = new Map();
    state.entityDayTotals.set(day, totals);
  }
  const key = dayTotalKey(projectId, event.entityId, event.metricName);
  totals.set(key, (totals.get(key) ?? 0) + event.value);
}

/** Days of per-entity totals kept: the longest covariate lookback (366) and the exposure day. */
const DAY_TOTALS_KEPT = 367;

function dayOffset(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function assignmentKey(projectId: string, experimentId: string, entityId: string): string {
  return `${projectId}\u0000${experimentId}\u0000${entityId}`;
}

// Per-entity running totals make the sum of squares exact (see aggregateDelta).
function addToAggregates(
  state: MemoryState,
  projectId: string,
  experimentId: string,
  variantKey: string,
  event: EventRecord,
): void {
  const { metricName, entityId, value } = event;
  const totalKey = `${projectId}\u0000${experimentId}\u0000${metricName}\u0000${entityId}`;
  const total = state.entityTotals.get(totalKey) ?? { events: 0, sum: 0 };
  const { metrics } = experimentState(state, projectId, experimentId);
  let variants = metrics.get(metricName);
  if (!variants) {
    variants = new Map();
    metrics.set(metricName, variants);
  }
  const aggregate = variants.get(variantKey) ?? { events: 0, sum: 0, sumSquares: 0, entities: 0 };
  const delta = aggregateDelta(total.sum, value, total.events === 0);
  aggregate.events += delta.events;
  aggregate.sum += delta.sum;
  aggregate.sumSquares += delta.sumSquares;
  aggregate.entities += delta.entities;
  variants.set(variantKey, aggregate);
  addProducts(state, projectId, experimentId, variantKey, event, total.events === 0);
  state.entityTotals.set(totalKey, { events: total.events + 1, sum: total.sum + value });
}
