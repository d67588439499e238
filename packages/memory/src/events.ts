import {
  aggregatedMetrics,
  aggregatesFromCounters,
  dayRange,
  type EventStore,
  ownEntry,
  planAssignments,
  planEvents,
  sliceValues,
} from "@abkit/core";
import { addDayTotals } from "./dayTotals.js";
import { addCounters, copy, countersOf, type MemoryState } from "./state.js";

/** Assignments and event batches: each call reads its state, plans in core, applies the plan. */
export function eventMethods(state: MemoryState): EventStore {
  const assignmentOf = (projectId: string, experimentId: string, entityId: string) =>
    state.assignments.get(key(projectId, experimentId, entityId));
  return {
    async recordAssignments(assignments) {
      const plan = planAssignments(
        assignments,
        (...ids) => assignmentOf(...ids)?.variantKey,
        (projectId, experimentId) => sliceValues(countersOf(state, projectId, experimentId).keys()),
      );
      for (const insert of plan.inserts) {
        const { projectId, experimentId, entityId, variantKey, covariates, slices } = insert;
        state.assignments.set(key(projectId, experimentId, entityId), {
          variantKey,
          covariates: covariates && copy(covariates),
          ...(slices ? { slices } : {}),
        });
      }
      addCounters(state, plan.counters);
      return plan.variants;
    },

    async getAssignment(projectId, experimentId, entityId) {
      return assignmentOf(projectId, experimentId, entityId)?.variantKey ?? null;
    },

    async applyEvents(projectId, events) {
      const plan = planEvents(projectId, events, {
        seen: (idempotencyKey) => state.seenKeys.has(key(projectId, idempotencyKey)),
        assignment: (experimentId, entityId) => assignmentOf(projectId, experimentId, entityId),
        total: (experimentId, metric, entityId) =>
          state.entityTotals.get(key(projectId, experimentId, metric, entityId)),
        aggregatedMetrics: (experimentId) =>
          aggregatedMetrics(countersOf(state, projectId, experimentId).keys()),
      });
      // Events are not kept, only what dedup, covariates and aggregates read.
      for (const event of plan.acceptedEvents) {
        if (event.idempotencyKey !== null) remember(state, key(projectId, event.idempotencyKey));
      }
      for (const t of plan.totals) {
        const total = { events: t.events, sum: t.sum };
        state.entityTotals.set(key(projectId, t.experimentId, t.metricName, t.entityId), total);
      }
      addCounters(state, plan.counters);
      addDayTotals(state, projectId, plan.dayTotals);
      return { accepted: plan.accepted, deduped: plan.deduped };
    },

    async readEntityTotals(projectId, requests) {
      return requests.map(({ entityId, metrics, fromDay, toDay }) => {
        const totals: Record<string, number> = {};
        for (const metric of metrics) {
          const id = key(projectId, entityId, metric);
          let sum = 0;
          for (const day of dayRange(fromDay, toDay))
            sum += state.entityDayTotals.get(day)?.get(id) ?? 0;
          ownEntry(totals, metric, () => sum);
        }
        return totals;
      });
    },

    async readAggregates(projectId, experimentId) {
      return aggregatesFromCounters(countersOf(state, projectId, experimentId));
    },
  };
}

// --- Internal helpers ---

function key(...parts: string[]): string {
  return parts.join("\u0000");
}

// Dedup remembers the newest keys: past the bound, the oldest (first in a Set) is forgotten.
function remember({ seenKeys, maxIdempotencyKeys }: MemoryState, seenKey: string): void {
  seenKeys.add(seenKey);
  if (seenKeys.size > maxIdempotencyKeys) seenKeys.delete(seenKeys.values().next().value!);
}
