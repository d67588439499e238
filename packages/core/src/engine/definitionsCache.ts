import type { Store } from "../store.js";
import { type CompiledDefinitions, compileDefinitions } from "./compile.js";

/**
 * A project's definitions held in process. Reads are served from memory; at most once per
 * `refreshIntervalMs` a read first asks the store for the version counter (one cheap round
 * trip) and reloads only when another process changed something.
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
    this.inflight ??= this.check().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Reloads from the store now; used after this process writes and before read-modify-write. */
  async reload(): Promise<CompiledDefinitions> {
    const startedAt = Date.now();
    const compiled = compileDefinitions(await this.store.loadDefinitions(this.projectId));
    this.install(compiled, startedAt);
    return compiled;
  }

  /** Makes the next read check the store's version first, however recent the last check. */
  invalidate(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  // --- Internal helpers ---

  private async check(): Promise<CompiledDefinitions> {
    const startedAt = Date.now();
    const current = this.compiled;
    if (current !== null) {
      const version = await this.store.definitionsVersion(this.projectId);
      if (version === current.version) {
        this.checkedAt = startedAt;
        return current;
      }
    }
    return this.reload();
  }

  // Keeps whichever snapshot is newer when a check and a reload race.
  private install(compiled: CompiledDefinitions, checkedAt: number): void {
    if (this.compiled === null || compiled.version >= this.compiled.version) {
      this.compiled = compiled;
      this.checkedAt = checkedAt;
    }
  }
}
