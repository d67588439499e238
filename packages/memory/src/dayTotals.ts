import type { DayTotalIncrement } from "@abkit/core";
import { entry, type MemoryState } from "./state.js";

/** Days of per-entity totals kept: the longest covariate lookback (366) and the exposure day. */
const DAY_TOTALS_KEPT = 367;

/**
 * Adds a plan's per-entity day totals. A covariate looks back at most 366 days before an
 * exposure: days older than that before the newest day kept are never read again, so they
 * are dropped to bound memory (at most 368 days are ever held).
 */
export function addDayTotals(
  state: MemoryState,
  projectId: string,
  increments: readonly DayTotalIncrement[],
): void {
  for (const { entityId, metricName, day, delta } of increments) {
    const totals = entry(state.entityDayTotals, day, () => new Map());
    const id = `${projectId}\u0000${entityId}\u0000${metricName}`;
    totals.set(id, (totals.get(id) ?? 0) + delta);
  }
  if (increments.length === 0) return;
  const days = [...state.entityDayTotals.keys()].sort();
  const oldest = new Date(Date.parse(days.at(-1)!) - DAY_TOTALS_KEPT * 86_400_000);
  for (const day of days)
    if (day < oldest.toISOString().slice(0, 10)) state.entityDayTotals.delete(day);
}
