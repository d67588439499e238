// For store authors: the conflicts a definition write (experiment, flag, segment) must raise,
// so every store words them and fills their details the same way.
import { ConflictError } from "../errors/ConflictError.js";
import type { DefinitionKind } from "../store.js";

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
