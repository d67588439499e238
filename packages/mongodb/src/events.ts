import { aggregatesFromCounters, type EventStore, planAssignments } from "@abkit/core";
import { applyEvents } from "./applyEvents.js";
import type { Connection } from "./connection.js";
import { addCounters, readCounters, readSliceValues } from "./counters.js";
import { toAssignmentDoc } from "./documents.js";
import { readEntityTotals } from "./entityDayTotals.js";
import { inTransaction } from "./transactions.js";

/**
 * Assignments, event batches and the aggregates they keep: each write is one transaction
 * that applies the core planner's plan (`applyEvents.ts` for batches); aggregates are read
 * back from their counters in O(variants x metrics).
 */
export function eventMethods({ run }: Connection): EventStore {
  return {
    // Reads the stored assignments, lets the planner pick the inserts and their counters
    // (exposures, covariates), writes both. The unique index on (project, experiment,
    // entity) picks the first writer across processes: one committed after this
    // transaction's snapshot fails the insert, and the transaction runs again, seeing it.
    recordAssignments: (records) =>
      run(async (open) => {
        if (records.length === 0) return [];
        const { assignments, counters } = open.collections;
        // `$in` per field: a call's records share a project and a few experiments.
        const $in = (field: "projectId" | "experimentId" | "entityId") => ({
          $in: [...new Set(records.map((record) => record[field]))],
        });
        const filter = {
          projectId: $in("projectId"),
          experimentId: $in("experimentId"),
          entityId: $in("entityId"),
        };
        return inTransaction(open, async (session) => {
          const docs = await assignments.find(filter, { session }).toArray();
          const stored = new Map(
            docs.map((d) => [key(d.projectId, d.experimentId, d.entityId), d.variantKey]),
          );
          const known = await readSliceValues(counters, records, session);
          const plan = planAssignments(
            records,
            (p, e, u) => stored.get(key(p, e, u)),
            (p, e) => known.get(`${p}\u0000${e}`) ?? new Map(),
          );
          if (plan.inserts.length > 0) {
            await assignments.insertMany(plan.inserts.map(toAssignmentDoc), { session });
          }
          await addCounters(counters, plan.counters, session);
          return plan.variants;
        });
      }),

    getAssignment: (projectId, experimentId, entityId) =>
      run(async (open) => {
        const filter = { projectId, experimentId, entityId };
        const doc = await open.collections.assignments.findOne(filter);
        return doc?.variantKey ?? null;
      }),

    applyEvents: (projectId, events) => run((open) => applyEvents(open, projectId, events)),

    readEntityTotals: (projectId, requests) =>
      run((open) => readEntityTotals(open, projectId, requests)),

    readAggregates: (projectId, experimentId) =>
      run(async (open) =>
        aggregatesFromCounters(
          await readCounters(open.collections.counters, projectId, experimentId, "aggregates"),
        ),
      ),
  };
}

// --- Internal helpers ---

function key(projectId: string, experimentId: string, entityId: string): string {
  return `${projectId}\u0000${experimentId}\u0000${entityId}`;
}
