import { isAbkitError } from "../../errors/AbkitError.js";
import { ConflictError } from "../../errors/ConflictError.js";
import type { DefinitionKind, DefinitionOf } from "../../store.js";
import type { EngineContext } from "../context.js";
import type { CompiledDefinitions, DefinitionChange } from "../evaluation/compile.js";

const MAX_ATTEMPTS = 3;

/**
 * Read-modify-write of one definition with optimistic concurrency: takes the definitions as
 * of the store's current version (a version check; a reload only if another process wrote),
 * lets `build` derive the next record (validating against what it read), and stores it at
 * the revision it read. When another process wrote in between, it runs again on fresh data.
 * The record written is applied to the cached definitions without reloading them all.
 */
export async function writeDefinition<K extends DefinitionKind>(
  ctx: EngineContext,
  kind: K,
  key: string,
  build: (defs: CompiledDefinitions, current: DefinitionOf<K> | undefined) => DefinitionOf<K>,
): Promise<DefinitionOf<K>> {
  ctx.assertOpen();
  for (let attempt = 1; ; attempt++) {
    const defs = await ctx.definitions.latest();
    const current = findDefinition(defs, kind, key);
    const next = build(defs, current);
    let version: number;
    try {
      version = await ctx.store.putDefinition(kind, next, current?.revision ?? 0);
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isAbkitError(error) && error.code === "conflict") continue;
      throw error;
    }
    // Stored: a failed read-back must not report the write as failed (a retry would apply
    // it twice, or meet its own key as a conflict); the next read reloads instead.
    // The cache keeps its own copy: the caller may change the record it gets back.
    const change = { kind, key, record: structuredClone(next) } as DefinitionChange;
    await ctx.definitions.applied(change, version).catch(() => ctx.definitions.invalidate());
    return next;
  }
}

/** The definition of `kind` named `key` in `defs`, if any. */
export function findDefinition<K extends DefinitionKind>(
  defs: CompiledDefinitions,
  kind: K,
  key: string,
): DefinitionOf<K> | undefined {
  const found =
    kind === "experiment"
      ? defs.experimentsByKey.get(key)?.experiment
      : kind === "flag"
        ? defs.flagsByKey.get(key)
        : defs.segmentsByKey.get(key);
  return found as DefinitionOf<K> | undefined;
}

/** The definition of `kind` named `key` from the cache (at most one refresh interval old), or null. */
export async function readDefinition<K extends DefinitionKind>(
  ctx: EngineContext,
  kind: K,
  key: string,
): Promise<DefinitionOf<K> | null> {
  ctx.assertOpen();
  return findDefinition(await ctx.definitions.get(), kind, key) ?? null;
}

/** Every definition of `kind`, oldest first. */
export async function listDefinitions<K extends DefinitionKind>(
  ctx: EngineContext,
  kind: K,
): Promise<DefinitionOf<K>[]> {
  ctx.assertOpen();
  const defs = await ctx.definitions.get();
  const all =
    kind === "experiment"
      ? [...defs.experimentsByKey.values()].map((entry) => entry.experiment)
      : kind === "flag"
        ? [...defs.flagsByKey.values()]
        : [...defs.segmentsByKey.values()];
  return (all as DefinitionOf<K>[]).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The `conflict` raised when creating a definition whose key is taken. */
export function keyTakenError(kind: DefinitionKind, key: string): ConflictError {
  return new ConflictError(`${kind} "${key}" already exists`, { kind, key });
}
