import type { Store } from "../store.js";
import { Lru } from "./lru.js";
import { type QueuedAssignment, withPreCovariates } from "./preCovariates.js";

/** Tuning of the assignment write-behind. */
export interface AssignmentQueueOptions {
  /** Assignments written per store call; a full batch is flushed at once. */
  batchSize: number;
  /** Longest wait before queued assignments are written, in ms. */
  flushIntervalMs: number;
  /** Assignments remembered in process (per engine), so repeat evaluations cost no I/O. */
  cacheSize: number;
  /**
   * How long "the store has no assignment for this entity" is believed, in ms: the same
   * staleness definitions may have. 0 asks the store every time.
   */
  missingTtlMs: number;
}

/**
 * Write-behind for assignments: evaluate answers from memory and queues the record; the
 * queue writes batches to the store (insert-if-absent, first writer wins) on size, on a
 * timer, and on `flush()`. A failed write keeps its records queued and makes `flush()` reject.
 */
export class AssignmentQueue {
  // A variant key, or (a number) when the store was last seen to have none: one map, so
  // the evaluate path hashes its key once.
  private readonly known: Lru<string | number>;
  private pending: QueuedAssignment[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private lastError: unknown = null;

  constructor(
    private readonly store: Store,
    private readonly options: AssignmentQueueOptions,
  ) {
    this.known = new Lru(options.cacheSize);
  }

  /** The variant this process knows for (experiment, entity), if any. */
  lookup(experimentId: string, entityId: string): string | undefined {
    const entry = this.known.get(cacheKey(experimentId, entityId));
    return typeof entry === "string" ? entry : undefined;
  }

  /** Remembers a variant read from the store (nothing to write). */
  remember(experimentId: string, entityId: string, variantKey: string): void {
    this.known.set(cacheKey(experimentId, entityId), variantKey);
  }

  /** True when the store said, less than `missingTtlMs` ago, that the entity has no assignment. */
  recentlyMissing(experimentId: string, entityId: string, now: number): boolean {
    const checkedAt = this.known.get(cacheKey(experimentId, entityId));
    return typeof checkedAt === "number" && now - checkedAt < this.options.missingTtlMs;
  }

  /** Remembers that the store had no assignment for the entity at `now`. */
  rememberMissing(experimentId: string, entityId: string, now: number): void {
    if (this.options.missingTtlMs > 0) this.known.set(cacheKey(experimentId, entityId), now);
  }

  /** Remembers a new assignment and queues its write. */
  enqueue(record: QueuedAssignment): void {
    this.known.set(cacheKey(record.experimentId, record.entityId), record.variantKey);
    this.pending.push(record);
    if (this.pending.length >= this.options.batchSize) {
      void this.writeQueued().catch(() => {});
    } else if (this.timer === null) {
      this.timer = setTimeout(
        () => void this.writeQueued().catch(() => {}),
        this.options.flushIntervalMs,
      );
      this.timer.unref();
    }
  }

  /** Writes everything queued; rejects with the store's error if a write failed since the last flush. */
  async flush(): Promise<void> {
    await this.writeQueued().catch(() => {});
    const error = this.lastError;
    if (error !== null) {
      this.lastError = null;
      throw error;
    }
  }

  /** Assignments waiting to be written. */
  get pendingCount(): number {
    return this.pending.length;
  }

  // --- Internal helpers ---

  // Writes run one after another so a batch never overtakes an earlier one.
  private writeQueued(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = this.writing.then(() => this.writeAll());
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      try {
        const stored = await this.store.recordAssignments(
          await withPreCovariates(this.store, batch),
        );
        // Another process may have assigned first: its variant is the one that counts.
        batch.forEach((record, index) => {
          const variantKey = stored[index];
          if (variantKey !== undefined && variantKey !== record.variantKey) {
            this.remember(record.experimentId, record.entityId, variantKey);
          }
        });
      } catch (error) {
        this.pending.unshift(...batch);
        this.lastError = error;
        throw error;
      }
    }
  }
}

function cacheKey(experimentId: string, entityId: string): string {
  return `${experimentId}\u0000${entityId}`;
}
