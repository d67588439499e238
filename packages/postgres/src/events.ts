import type { EventStore } from "@abkit/core";
import { applyEvents } from "./applyEvents.js";
import { getAssignment, recordAssignments } from "./assignments.js";
import type { Connection } from "./connection.js";
import { readAggregates } from "./counters.js";
import { readEntityTotals } from "./entityTotals.js";

/**
 * Assignments, event batches and the aggregates they keep: each write is one transaction
 * that applies the core planner's plan (`assignments.ts`, `applyEvents.ts`); aggregates are
 * read back from their counters in O(variants x metrics).
 */
export function eventMethods({ run }: Connection): EventStore {
  return {
    recordAssignments: (records) => run((db) => recordAssignments(db, records)),
    getAssignment: (projectId, experimentId, entityId) =>
      run((db) => getAssignment(db, projectId, experimentId, entityId)),
    applyEvents: (projectId, events) => run((db) => applyEvents(db, projectId, events)),
    readEntityTotals: (projectId, requests) =>
      run((db) => readEntityTotals(db, projectId, requests)),
    readAggregates: (projectId, experimentId) =>
      run((db) => readAggregates(db, projectId, experimentId)),
  };
}
