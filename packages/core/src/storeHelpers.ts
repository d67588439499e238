import { ConflictError } from "./errors/ConflictError.js";
import { ValidationError } from "./errors/ValidationError.js";
import { keySchema } from "./schema/common.js";
import { type EventRecord, MAX_COVARIATE_VALUE, MAX_EVENT_VALUE } from "./schema/event.js";
import type {
  AssignmentRecord,
  DefinitionKind,
  EntityTotalsRequest,
  ExperimentAggregates,
} from "./store.js";

/**
 * For store authors: throws the `conflict` a definition write must raise when the stored
 * revision (`actual`, 0 when absent) is not the one the caller read (`expected`).
 *
 * @example
 * checkDefinitionRevision("experiment", "checkout", storedRevision ?? 0, expectedRevision);
 */
export function checkDefinitionRevision(
  kind: DefinitionKind,
  key: string,
  actual: number,
  expected: number,
): void {
  if (actual === expected) return;
  const message =
    expected === 0
      ? `${kind} "${key}" already exists`
      : `${kind} "${key}" is at revision ${actual}, not ${expected}: it changed since it was read`;
  throw new ConflictError(message, { kind, key, revision: actual, expectedRevision: expected });
}

/**
 * For store authors: throws the `conflict` a replace must raise when the record's id is not
 * the stored record's (`storedId` undefined on create, where any id is accepted).
 */
export function checkDefinitionId(
  kind: DefinitionKind,
  key: string,
  storedId: string | undefined,
  recordId: string,
): void {
  if (storedId === undefined || storedId === recordId) return;
  throw new ConflictError(`${kind} "${key}" has id "${storedId}"; a replace cannot change it`, {
    kind,
    key,
    id: storedId,
  });
}

/**
 * For store authors: how one event of `value` moves its variant's aggregate, given the
 * entity's running total `total` before it (0 for its first event). Keeping the arithmetic
 * in one place keeps every store's sums of squares identical.
 *
 * @example
 * const delta = aggregateDelta(previousTotal, event.value, isFirstEvent);
 * aggregate.sumSquares += delta.sumSquares;
 */
export function aggregateDelta(
  total: number,
  value: number,
  firstEvent: boolean,
): { events: 1; sum: number; sumSquares: number; entities: 0 | 1 } {
  return {
    events: 1,
    sum: value,
    sumSquares: (total + value) ** 2 - total ** 2,
    entities: firstEvent ? 1 : 0,
  };
}

/**
 * For store authors: `record[key]`, created by `create` when absent. Reads only own
 * properties and defines new ones, so keys such as `constructor` or `__proto__` are plain
 * data, never the prototype's.
 *
 * @example
 * ownEntry(metrics, row.metric_name, () => ({})).control = aggregate;
 */
export function ownEntry<T>(record: Record<string, T>, key: string, create: () => NoInfer<T>): T {
  if (Object.hasOwn(record, key)) return record[key] as T;
  const value = create();
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return value;
}

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
 * For store authors: throws the `validation_failed` that `recordAssignments` must raise,
 * before any write, when a record's `covariates` is not an object of slug names to finite
 * numbers within `MAX_COVARIATE_VALUE`.
 *
 * @example
 * checkAssignmentRecords(assignments); // then write
 */
export function checkAssignmentRecords(assignments: readonly AssignmentRecord[]): void {
  assignments.forEach((record, index) => {
    const { covariates } = record;
    if (covariates === undefined) return;
    if (!isPlainRecord(covariates)) {
      throw ValidationError.field([index, "covariates"], "must be an object", "assignments");
    }
    for (const [name, value] of Object.entries(covariates)) {
      if (!isName(name)) {
        throw ValidationError.field([index, "covariates", name], NAME_RULE, "assignments");
      }
      if (typeof value !== "number" || !(Math.abs(value) <= MAX_COVARIATE_VALUE)) {
        throw ValidationError.field(
          [index, "covariates", name],
          `must be a finite number between -${MAX_COVARIATE_VALUE} and ${MAX_COVARIATE_VALUE}`,
          "assignments",
        );
      }
    }
  });
}

/**
 * For store authors: throws the `validation_failed` that `applyEvents` must raise, before
 * any write, when a value is not a finite number within `MAX_EVENT_VALUE` or `crossMetrics`
 * is not experiment id -> metric names.
 *
 * @example
 * checkEventRecords(events); // then write
 */
export function checkEventRecords(events: readonly EventRecord[]): void {
  events.forEach((event, index) => {
    // The bound keeps every aggregate finite (see MAX_EVENT_VALUE); NaN fails the comparison.
    if (typeof event.value !== "number" || !(Math.abs(event.value) <= MAX_EVENT_VALUE)) {
      throw ValidationError.field(
        [index, "value"],
        `must be a finite number between -${MAX_EVENT_VALUE} and ${MAX_EVENT_VALUE}`,
        "events",
      );
    }
    const { crossMetrics, undeclaredIn } = event;
    if (
      undeclaredIn !== undefined &&
      (!Array.isArray(undeclaredIn) || !undeclaredIn.every((id) => typeof id === "string"))
    ) {
      throw ValidationError.field([index, "undeclaredIn"], "must be an array of ids", "events");
    }
    if (crossMetrics === undefined) return;
    if (!isPlainRecord(crossMetrics)) {
      throw ValidationError.field([index, "crossMetrics"], "must be an object", "events");
    }
    for (const [experimentId, names] of Object.entries(crossMetrics)) {
      const path = [index, "crossMetrics", experimentId];
      if (!Array.isArray(names)) throw ValidationError.field(path, "must be an array", "events");
      names.forEach((name, n) => {
        if (typeof name !== "string" || !isName(name)) {
          throw ValidationError.field([...path, n], NAME_RULE, "events");
        }
      });
    }
  });
}

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
 * For store authors: whether `event`'s metric may start new aggregates in `experimentId`
 * beyond the cap: true when the experiment declares it (it is not in `undeclaredIn`).
 * A store applies an event to an experiment when this is true, or the experiment already
 * has aggregates of the metric, or it has aggregates of fewer than `MAX_AGGREGATED_METRICS`
 * metrics.
 *
 * @example
 * if (declaredIn(event, experimentId) || known.has(metric) || known.size < MAX_AGGREGATED_METRICS) apply();
 */
export function declaredIn(
  event: Pick<EventRecord, "undeclaredIn">,
  experimentId: string,
): boolean {
  return event.undeclaredIn === undefined || !event.undeclaredIn.includes(experimentId);
}

/**
 * For store authors: the partners of `event` in `experimentId` whose totals its value
 * multiplies, each once, without its own metric (in the order listed).
 *
 * @example
 * crossPartners({ metricName: "a", crossMetrics: { e: ["b", "a", "b"] } }, "e"); // ["b"]
 */
export function crossPartners(
  event: Pick<EventRecord, "metricName" | "crossMetrics">,
  experimentId: string,
): string[] {
  const listed = event.crossMetrics && Object.hasOwn(event.crossMetrics, experimentId);
  if (!listed) return [];
  const names = event.crossMetrics?.[experimentId] ?? [];
  return [...new Set(names)].filter((name) => name !== event.metricName);
}

/**
 * For store authors: the two metrics of a cross product in the order `crossProducts` keys
 * them (plain JavaScript string comparison, smaller first).
 *
 * @example
 * crossPair("revenue", "orders"); // ["orders", "revenue"]
 */
export function crossPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/** For store authors: the aggregates of an experiment with no data, every map empty. */
export function emptyAggregates(): ExperimentAggregates {
  return {
    exposures: {},
    exposuresByDay: {},
    metrics: {},
    covariates: {},
    covariateProducts: {},
    crossProducts: {},
  };
}

// --- Internal helpers ---

const NAME_RULE =
  "must be a name of 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";

function isName(name: string): boolean {
  return keySchema.safeParse(name).success;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const DAY_RULE = "must be a calendar day written YYYY-MM-DD";

// Midnight UTC of a `YYYY-MM-DD` calendar day, or null (a day such as 2026-02-30 that
// Date would roll over is refused by the round trip).
function dayTime(day: unknown): number | null {
  if (typeof day !== "string" || !DAY.test(day)) return null;
  const time = Date.parse(`${day}T00:00:00.000Z`);
  if (!Number.isFinite(time)) return null;
  return new Date(time).toISOString().slice(0, 10) === day ? time : null;
}
