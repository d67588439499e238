import { declaredIn, MAX_AGGREGATED_METRICS } from "@abkit/core";
import type { ClientSession } from "mongodb";
import type { Collections } from "./collections.js";
import type { EventEntry } from "./productPlan.js";

/**
 * The experiments whose aggregate metric names the cap needs: those some accepted event does
 * not declare its metric in. Empty when every event's metric is declared everywhere.
 */
export function cappedExperiments(accepted: readonly EventEntry[]): string[] {
  const ids = new Set<string>();
  for (const event of accepted) for (const id of event.undeclaredIn ?? []) ids.add(id);
  return [...ids];
}

/**
 * Reads, per experiment, the metrics it has aggregates of (at most the cap plus its declared
 * metrics, so the read stays small).
 */
export async function readMetricNames(
  collections: Collections,
  projectId: string,
  experimentIds: readonly string[],
  session: ClientSession,
): Promise<Map<string, Set<string>>> {
  const known = new Map<string, Set<string>>();
  if (experimentIds.length === 0) return known;
  const docs = await collections.aggregates
    .find(
      { projectId, experimentId: { $in: [...experimentIds] } },
      { session, projection: { experimentId: 1, metricName: 1 } },
    )
    .toArray();
  for (const doc of docs) namesOf(known, doc.experimentId).add(doc.metricName);
  return known;
}

/**
 * The accepted events as the aggregates see them: in an experiment that does not declare an
 * event's metric, an event of a metric the experiment has no aggregates of is dropped from
 * its `experimentIds` once the experiment has aggregates of `MAX_AGGREGATED_METRICS` metrics
 * (decided in batch order, counting the metrics this batch starts). Events of unassigned
 * entities change nothing. The events themselves are kept unchanged elsewhere.
 *
 * @example
 * capUndeclared(accepted, await readMetricNames(...), (e, u) => infoOf(e, u) !== undefined);
 */
export function capUndeclared(
  accepted: readonly EventEntry[],
  known: Map<string, Set<string>>,
  assigned: (experimentId: string, entityId: string) => boolean,
): EventEntry[] {
  if (known.size === 0 && accepted.every((event) => !event.undeclaredIn?.length)) {
    return [...accepted];
  }
  return accepted.map((event) => {
    const experimentIds = event.experimentIds.filter((experimentId) => {
      if (!assigned(experimentId, event.entityId)) return true;
      const names = namesOf(known, experimentId);
      const admitted =
        declaredIn(event, experimentId) ||
        names.has(event.metricName) ||
        names.size < MAX_AGGREGATED_METRICS;
      if (admitted) names.add(event.metricName);
      return admitted;
    });
    return experimentIds.length === event.experimentIds.length
      ? event
      : { ...event, experimentIds };
  });
}

// --- Internal helpers ---

function namesOf(known: Map<string, Set<string>>, experimentId: string): Set<string> {
  let names = known.get(experimentId);
  if (!names) {
    names = new Set();
    known.set(experimentId, names);
  }
  return names;
}
