// For store authors: what one `readEntityTotals` call may ask for (the limits) and the check
// a store runs before it reads.
import { ValidationError } from "../errors/ValidationError.js";
import type { EntityTotalsRequest } from "../store.js";
import { DAY_MS, DAY_RULE, dayTime } from "./days.js";
import { isName, isPlainRecord, NAME_RULE } from "./inputShape.js";

/** The most requests one `readEntityTotals` call takes. */
export const MAX_ENTITY_TOTALS_REQUESTS = 1000;
/** The most metrics one `readEntityTotals` request names. */
export const MAX_ENTITY_TOTALS_METRICS = 100;
/** The most days between a request's `fromDay` and `toDay`. */
export const MAX_ENTITY_TOTALS_DAYS = 366;

/**
 * For store authors: throws the `validation_failed` that `readEntityTotals` must raise,
 * before any read, unless there are at most `MAX_ENTITY_TOTALS_REQUESTS` requests, each
 * with an entity id of 1-256 characters, at most `MAX_ENTITY_TOTALS_METRICS` metric names
 * (the rule of event metric names) and calendar days `fromDay <= toDay` (`YYYY-MM-DD`) at
 * most `MAX_ENTITY_TOTALS_DAYS` apart.
 *
 * @example
 * checkEntityTotalsRequests(requests); // then read
 */
export function checkEntityTotalsRequests(requests: readonly EntityTotalsRequest[]): void {
  const what = "entity totals requests";
  if (!Array.isArray(requests)) throw ValidationError.field([], "must be an array", what);
  if (requests.length > MAX_ENTITY_TOTALS_REQUESTS) {
    throw ValidationError.field([], `at most ${MAX_ENTITY_TOTALS_REQUESTS} requests`, what);
  }
  requests.forEach((request, index) => {
    if (!isPlainRecord(request)) throw ValidationError.field([index], "must be an object", what);
    const { entityId, metrics, fromDay, toDay } = request;
    if (typeof entityId !== "string" || entityId.length < 1 || entityId.length > 256) {
      throw ValidationError.field([index, "entityId"], "must be 1-256 characters", what);
    }
    if (!Array.isArray(metrics)) {
      throw ValidationError.field([index, "metrics"], "must be an array", what);
    }
    if (metrics.length > MAX_ENTITY_TOTALS_METRICS) {
      const message = `at most ${MAX_ENTITY_TOTALS_METRICS} metrics`;
      throw ValidationError.field([index, "metrics"], message, what);
    }
    metrics.forEach((name, n) => {
      if (typeof name !== "string" || !isName(name)) {
        throw ValidationError.field([index, "metrics", n], NAME_RULE, what);
      }
    });
    const from = dayTime(fromDay);
    const to = dayTime(toDay);
    if (from === null) throw ValidationError.field([index, "fromDay"], DAY_RULE, what);
    if (to === null) throw ValidationError.field([index, "toDay"], DAY_RULE, what);
    if (from > to) {
      throw ValidationError.field([index, "toDay"], "must not be before fromDay", what);
    }
    if ((to - from) / DAY_MS > MAX_ENTITY_TOTALS_DAYS) {
      const message = `must be at most ${MAX_ENTITY_TOTALS_DAYS} days after fromDay`;
      throw ValidationError.field([index, "toDay"], message, what);
    }
  });
}
