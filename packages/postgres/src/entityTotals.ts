import { type EntityTotalsRequest, ownEntry } from "@abkit/core";
import type { Db } from "./connection.js";

/**
 * For each request, each requested metric's sum of the entity's daily totals over
 * `fromDay <= day < toDay` (0 without events), in one statement: every request reads the
 * same committed batches.
 *
 * @example
 * await readEntityTotals(db, "default", [{ entityId: "u1", metrics: ["tokens"], fromDay, toDay }]);
 */
export async function readEntityTotals(
  db: Db,
  projectId: string,
  requests: readonly EntityTotalsRequest[],
): Promise<Record<string, number>[]> {
  // One row per (request, metric): each a range of the primary key.
  const asked = requests.flatMap(({ entityId, metrics, fromDay, toDay }, index) =>
    [...new Set(metrics)].map((metric) => ({ index, entityId, metric, fromDay, toDay })),
  );
  const sums = requests.map(() => new Map<string, number>());
  if (asked.length > 0) {
    const rows = await db.query<{ i: number; metric: string; total: number }>(
      `SELECT r.i, r.metric, sum(d.total) AS total
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS r(i, entity_id, metric, from_day, to_day)
       JOIN ${db.t.entityDayTotals} d
         ON d.project_id = $1 AND d.entity_id = r.entity_id AND d.metric_name = r.metric
        AND d.day >= r.from_day AND d.day < r.to_day
       GROUP BY r.i, r.metric`,
      [
        projectId,
        asked.map((row) => row.index),
        asked.map((row) => row.entityId),
        asked.map((row) => row.metric),
        asked.map((row) => row.fromDay),
        asked.map((row) => row.toDay),
      ],
    );
    for (const row of rows) sums[row.i]?.set(row.metric, row.total);
  }
  return requests.map(({ metrics }, index) => {
    const totals: Record<string, number> = {};
    for (const metric of metrics) ownEntry(totals, metric, () => sums[index]?.get(metric) ?? 0);
    return totals;
  });
}
