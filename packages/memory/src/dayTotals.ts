import type { DayTotalIncrement } from "@abkit/core";
import { entry, type MemoryState } from "./state.js";

/** Days of per-entity totals kept: the longest covariate lookback (366) and the exposure day. */
const DAY_TOTALS_KEPT = 367;

/**
 * Adds a plan's per-entity day totals. A covariate looks back at most 366 days before an
 * exposure: totals older than that, counted from the newest event's day, are never read
 * again, so they are dropped to bound memory.
 */
export function addDayTotals(
  state: MemoryState,
  projectId: string,
  increments: readonly DayTotalIncrement[],
): void {
  const newest = increments.reduce<string | null>(
    (max, { day }) => (max === null || day > max ? day : max),
    state.newestDay,
  );
  if (newest !== null && newest !== state.newestDay) {
    state.newestDay = newest;
    const oldest = oldestKept(newest);
    for (const day of state.entityDayTotals.keys()) {
      if (day < oldest) state.entityDayTotals.delete(day);
    }
  }
  const oldest = state.newestDay === null ? "" : oldestKept(state.newestDay);
  for (const { entityId, metricName, day, delta } of increments) {
    if (day < oldest) continue;
    const totals = entry(state.entityDayTotals, day, () => new Map());
    const id = `${projectId}\u0000${entityId}\u0000${metricName}`;
    totals.set(id, (totals.get(id) ?? 0) + delta);
  }
}

function oldestKept(newestDay: string): string {
  const time = Date.parse(`${newestDay}T00:00:00Z`) - DAY_TOTALS_KEPT * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}
