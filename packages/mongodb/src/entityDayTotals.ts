import type { EntityTotalsRequest } from "@abkit/core";
import { ownEntry } from "@abkit/core";
import type { OpenStore } from "./connection.js";

/**
 * Reads the daily totals of the requested entities in one query and sums, per request,
 * the days `fromDay <= d < toDay` of each requested metric (0 without a document).
 *
 * @example
 * await readEntityTotals(open, "default", [{ entityId: "u1", metrics: ["tokens"], fromDay, toDay }]);
 */
export async function readEntityTotals(
  open: OpenStore,
  projectId: string,
  requests: readonly EntityTotalsRequest[],
): Promise<Record<string, number>[]> {
  const wanted = requests.filter((r) => r.metrics.length > 0 && r.fromDay < r.toDay);
  const $or = wanted.map(({ entityId, metrics, fromDay, toDay }) => ({
    entityId,
    metricName: { $in: [...new Set(metrics)] },
    day: { $gte: fromDay, $lt: toDay },
  }));
  const docs =
    $or.length === 0
      ? []
      : await open.collections.entityDayTotals
          .find(
            { projectId, $or },
            { projection: { _id: 0, entityId: 1, metricName: 1, day: 1, total: 1 } },
          )
          .toArray();
  // A document matching several requests is returned once; each request picks its own.
  const byEntity = new Map<string, typeof docs>();
  for (const doc of docs) {
    const list = byEntity.get(doc.entityId) ?? [];
    list.push(doc);
    byEntity.set(doc.entityId, list);
  }
  return requests.map(({ entityId, metrics, fromDay, toDay }) => {
    const sums = new Map<string, number>();
    for (const doc of byEntity.get(entityId) ?? []) {
      if (doc.day < fromDay || doc.day >= toDay) continue;
      sums.set(doc.metricName, (sums.get(doc.metricName) ?? 0) + doc.total);
    }
    const totals: Record<string, number> = {};
    for (const metric of metrics) ownEntry(totals, metric, () => sums.get(metric) ?? 0);
    return totals;
  });
}
