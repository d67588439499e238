import { checkEntityTotalsRequests, type EventStore, emptyAggregates, ownEntry } from "@abkit/core";
import { getAssignment, recordAssignments } from "./assignments.js";
import type { Connection } from "./connection.js";
import { readEntityTotals } from "./entityDayTotals.js";
import { validateEvents } from "./eventPlan.js";
import { applyEventsInTransaction } from "./eventTransaction.js";

/**
 * Assignments, event batches and the aggregates they keep. A batch runs in one transaction
 * (eventTransaction.ts): it counts exactly once, and the idempotency keys and the
 * aggregates never drift apart.
 */
export function eventMethods({ run }: Connection): EventStore {
  return {
    recordAssignments: (assignments) => run((open) => recordAssignments(open, assignments)),

    getAssignment: (projectId, experimentId, entityId) =>
      run((open) => getAssignment(open, projectId, experimentId, entityId)),

    applyEvents: async (projectId, events) => {
      // Check every event before the first write: a bad batch writes nothing.
      validateEvents(events);
      return run(async (open) =>
        events.length === 0
          ? { accepted: 0, deduped: 0 }
          : applyEventsInTransaction(open, projectId, events),
      );
    },

    readEntityTotals: async (projectId, requests) => {
      // Check every request before the first read.
      checkEntityTotalsRequests(requests);
      return run(async (open) =>
        requests.length === 0 ? [] : readEntityTotals(open, projectId, requests),
      );
    },

    // O(variants x metrics): one document per counter. Zero counters (created ahead of a
    // write that then counted nothing) are not data.
    readAggregates: (projectId, experimentId) =>
      run(async (open) => {
        const { exposures, aggregates, covariates, covariateProducts, crossProducts } =
          open.collections;
        const scope = { projectId, experimentId };
        const [exposureDocs, aggregateDocs, covariateDocs, productDocs, crossDocs] =
          await Promise.all([
            exposures
              .find(
                { projectId, experimentId, count: { $gt: 0 } },
                { projection: { variantKey: 1, count: 1, days: 1 } },
              )
              .toArray(),
            aggregates
              .find(
                { projectId, experimentId, events: { $gt: 0 } },
                {
                  projection: {
                    metricName: 1,
                    variantKey: 1,
                    events: 1,
                    sum: 1,
                    sumSquares: 1,
                    entities: 1,
                  },
                },
              )
              .toArray(),
            covariates.find({ ...scope, entities: { $gt: 0 } }).toArray(),
            covariateProducts.find(scope).toArray(),
            crossProducts.find(scope).toArray(),
          ]);
        const result = emptyAggregates();
        for (const doc of exposureDocs) {
          ownEntry(result.exposures, doc.variantKey, () => doc.count);
          for (const [day, count] of Object.entries(doc.days ?? {})) {
            if (count > 0) {
              ownEntry(
                ownEntry(result.exposuresByDay, day, () => ({})),
                doc.variantKey,
                () => count,
              );
            }
          }
        }
        for (const doc of aggregateDocs) {
          const { events, sum, sumSquares, entities } = doc;
          ownEntry(
            ownEntry(result.metrics, doc.metricName, () => ({})),
            doc.variantKey,
            () => ({
              events,
              sum,
              sumSquares,
              entities,
            }),
          );
        }
        for (const doc of covariateDocs) {
          const { entities, sum, sumSquares } = doc;
          ownEntry(
            ownEntry(result.covariates, doc.covariate, () => ({})),
            doc.variantKey,
            () => ({
              entities,
              sum,
              sumSquares,
            }),
          );
        }
        // Product counters exist only for batches that moved them.
        for (const doc of productDocs) {
          const byCovariate = ownEntry(result.covariateProducts, doc.metricName, () => ({}));
          ownEntry(
            ownEntry(byCovariate, doc.covariate, () => ({})),
            doc.variantKey,
            () => ({
              sumXY: doc.sumXY,
              sumXWithEvent: doc.sumXWithEvent,
            }),
          );
        }
        for (const doc of crossDocs) {
          const byB = ownEntry(result.crossProducts, doc.metricA, () => ({}));
          ownEntry(
            ownEntry(byB, doc.metricB, () => ({})),
            doc.variantKey,
            () => doc.sum,
          );
        }
        return result;
      }),
  };
}
