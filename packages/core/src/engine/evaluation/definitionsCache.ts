import type { Store } from "../../store.js";
import {
  applyDefinitionChange,
  type CompiledDefinitions,
  compileDefinitions,
  type DefinitionChange,
} from "./compile.js";

/**
 * A project's definitions held in process. Reads are served from memory; at most once per
 * `refreshIntervalMs` a read first asks the store for the version counter (one cheap round
 * trip) and reloads only when another process changed something. A reload compiles only
 * the definitions that changed; this process's own writes are applied to the snapshot
 * without reading the store at all.
 */
export class DefinitionsCache {
  private compiled: CompiledDefinitions | null = null;
  private checkedAt = 0;
  private inflight: Promise<CompiledDefinitions> | null = null;

  constructor(
    private readonly store: Store,
    private readonly projectId: string,
    private readonly refreshIntervalMs: number,
  ) {}

  /** The definitions if they are fresh enough to use without a round trip, else null. */
  fresh(): CompiledDefinitions | null {
    const compiled = this.compiled;
    if (compiled !== null && Date.now() - this.checkedAt < this.refreshIntervalMs) return compiled;
    return null;
  }

  /** Fresh definitions: from memory when recent, else after a version check. */
  get(): Promise<CompiledDefinitions> {
    const compiled = this.fresh();
    if (compiled !== null) return Promise.resolve(compiled);
    // Concurrent reads share one check.
    this.inflight ??= this.check().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /**
   * The definitions as of the store's version now, whatever the interval: a version check
   * of its own (never one already under way), and a reload only when the version moved.
   * Used before a read-modify-write.
   */
  latest(): Promise<CompiledDefinitions> {
    return this.check();
  }

  /**
   * Reloads from the store now, compiling only what changed since the snapshot held.
   * `behind`: the store's version fell below the one held (writes lost in a failover, a
   * restored backup), so the store's older snapshot replaces the newer one held.
   */
  async reload(behind = false): Promise<CompiledDefinitions> {
    const startedAt = Date.now();
    const snapshot = await this.store.loadDefinitions(this.projectId);
    // Compiled against the newest snapshot held when the load returns; from scratch when the
    // store went back, since a lost write's revision numbers may come back with other content.
    const compiled = compileDefinitions(snapshot, behind ? null : this.compiled);
    this.install(compiled, startedAt, behind);
    return compiled;
  }

  /** Makes the next read check the store's version first, however recent the last check. */
  invalidate(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * Takes in this process's own write, stored as `version`. When the snapshot held is the
   * version just before, no other write came in between: the change is applied to it
   * (compiling only what it touches). Otherwise the store is read again.
   */
  async applied(change: DefinitionChange, version: number): Promise<void> {
    const current = this.compiled;
    if (current !== null && current.version >= version) return;
    if (current !== null && current.version === version - 1) {
      this.install(applyDefinitionChange(current, change, version), Date.now());
      return;
    }
    await this.reload();
  }

  // --- Internal helpers ---

  private async check(): Promise<CompiledDefinitions> {
    const startedAt = Date.now();
    const current = this.compiled;
    if (current !== null) {
      const version = await this.store.definitionsVersion(this.projectId);
      if (version === current.version) {
        this.checkedAt = Math.max(this.checkedAt, startedAt);
        return current;
      }
      // A write of this process may have been applied meanwhile.
      const now = this.compiled;
      if (now !== null && now.version === version) return now;
      if (version < current.version) return this.reload(true);
    }
    return this.reload();
  }

  // Keeps whichever snapshot is newer when a check and a reload race, unless the store
  // itself went back.
  private install(compiled: CompiledDefinitions, checkedAt: number, behind = false): void {
    if (this.compiled === null || behind || compiled.version >= this.compiled.version) {
      this.compiled = compiled;
      this.checkedAt = checkedAt;
    }
  }
}
