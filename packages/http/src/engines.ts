import { type Abkit, createAbkit, type Store } from "@abkit/core";
import type { Logger } from "./logger.js";

/** A project's engine, held by one request until it calls `release`. */
export interface EngineLease {
  engine: Abkit;
  release(): void;
}

/** Options of `EnginePool`. */
export interface EnginePoolOptions {
  store: Store;
  refreshIntervalMs: number;
  /** Most project engines kept open; the least recently used idle ones are closed beyond. */
  maxProjects: number;
  /** Assignments each project engine remembers in process. */
  assignmentCacheSize: number;
  logger: Logger;
}

/**
 * The engines of the projects a server's keys reach, one per project, kept in
 * least-recently-used order and bounded: a long-running server that sees many projects
 * keeps at most `maxProjects` engines (their caches, write-behind queues and bandit timers).
 * An evicted engine is closed properly (queued assignments written, timers stopped); a later
 * request for its project gets a new one. An engine a request still holds is never closed
 * under it: it is evicted when released.
 */
export class EnginePool {
  // Insertion order is recency order: a hit moves its entry to the end.
  private readonly entries = new Map<string, { engine: Abkit; leases: number }>();
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly options: EnginePoolOptions) {}

  /** The engine of `projectId` (created on first use), held until `release()`. */
  acquire(projectId: string): EngineLease {
    let entry = this.entries.get(projectId);
    if (entry) {
      this.entries.delete(projectId);
    } else {
      const { store, refreshIntervalMs, assignmentCacheSize } = this.options;
      const engine = createAbkit({
        store,
        project: projectId,
        refreshIntervalMs,
        assignmentCacheSize,
      });
      entry = { engine, leases: 0 };
    }
    this.entries.set(projectId, entry);
    entry.leases += 1;
    this.evict();
    const held = entry;
    let released = false;
    return {
      engine: held.engine,
      release: () => {
        if (released) return;
        released = true;
        held.leases -= 1;
        this.evict();
      },
    };
  }

  /** Engines open now. */
  get size(): number {
    return this.entries.size;
  }

  /** Resolves once every evicted engine has finished closing (failures are logged). */
  async evicted(): Promise<void> {
    await Promise.all(this.closing);
  }

  /** Closes every engine (and waits for evicted ones still closing). */
  async close(): Promise<void> {
    const open = [...this.entries.values()];
    this.entries.clear();
    const results = await Promise.allSettled([
      ...open.map(({ engine }) => engine.close()),
      ...this.closing,
    ]);
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  // --- Internal helpers ---

  private evict(): void {
    if (this.entries.size <= this.options.maxProjects) return;
    for (const [projectId, entry] of this.entries) {
      if (this.entries.size <= this.options.maxProjects) break;
      if (entry.leases > 0) continue;
      this.entries.delete(projectId);
      const closing = entry.engine
        .close()
        .catch((error: unknown) => {
          this.options.logger.error(
            { err: error, projectId },
            `closing the evicted engine of project "${projectId}" failed; its queued assignments were not written`,
          );
        })
        .finally(() => this.closing.delete(closing));
      this.closing.add(closing);
    }
  }
}
