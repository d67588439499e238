// Calendar days (`YYYY-MM-DD`, UTC): the day an exposure counts on and the days a request
// spans, one implementation so every store buckets a time into the same day.

/** A day written `YYYY-MM-DD`. */
export const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The milliseconds of one UTC day. */
export const DAY_MS = 86_400_000;
/** The message of a field that must be a calendar day. */
export const DAY_RULE = "must be a calendar day written YYYY-MM-DD";

/**
 * For store authors: the UTC day (`YYYY-MM-DD`) an assignment's `assignedAt` falls on, the
 * key of `exposuresByDay`; null when the time does not parse (or lies outside years
 * 0000-9999), in which case the store counts the exposure without a day. One function, so
 * every store buckets a time into the same day.
 *
 * @example
 * exposureDay("2026-01-02T23:30:00-02:00"); // "2026-01-03"
 */
export function exposureDay(assignedAt: string): string | null {
  const time = Date.parse(assignedAt);
  if (!Number.isFinite(time)) return null;
  const day = new Date(time).toISOString().slice(0, 10);
  return DAY.test(day) ? day : null;
}

/**
 * For store authors: the UTC days `d` with `fromDay <= d < toDay`, ascending, for days
 * checked by `checkEntityTotalsRequests` (`[]` when either does not parse).
 *
 * @example
 * dayRange("2026-02-27", "2026-03-02"); // ["2026-02-27", "2026-02-28", "2026-03-01"]
 */
export function dayRange(fromDay: string, toDay: string): string[] {
  const from = dayTime(fromDay);
  const to = dayTime(toDay);
  if (from === null || to === null) return [];
  const days: string[] = [];
  for (let time = from; time < to; time += DAY_MS) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Midnight UTC of a `YYYY-MM-DD` calendar day, or null (a day such as 2026-02-30 that
 * Date would roll over is refused by the round trip).
 */
export function dayTime(day: unknown): number | null {
  if (typeof day !== "string" || !DAY.test(day)) return null;
  const time = Date.parse(`${day}T00:00:00.000Z`);
  if (!Number.isFinite(time)) return null;
  return new Date(time).toISOString().slice(0, 10) === day ? time : null;
}
