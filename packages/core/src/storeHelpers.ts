import { ConflictError } from "./errors/ConflictError.js";
import type { DefinitionKind } from "./store.js";

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

// --- Internal helpers ---

const DAY = /^\d{4}-\d{2}-\d{2}$/;
