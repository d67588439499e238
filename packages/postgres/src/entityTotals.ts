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
      // LATERAL: one range of the primary key per row, whatever the statistics say.
      `SELECT r.i, r.metric, s.total
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS r(i, entity_id, metric, from_day, to_day)
       CROSS JOIN LATERAL (
         SELECT sum(total) AS total FROM ${db.t.entityDayTotals}
         WHERE project_id = $1 AND entity_id = r.entity_id AND metric_name = r.metric
           AND day >= r.from_day AND day < r.to_day
       ) s
       WHERE s.total IS NOT NULL`,
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
