import { isAbkitError } from "../../errors/AbkitError.js";
import { StoreUnavailableError } from "../../errors/StoreUnavailableError.js";
import type { Store } from "../../store.js";
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
 * timer, and on `flush()`. A failed write keeps its records queued, in order, for the next
 * attempt (insert-if-absent makes a rewrite count nothing twice): a write in the background
 * is retried on the timer; `flush()` rejects with its own attempt's error and only that.
 */
export class AssignmentQueue {
  // A variant key, or (a number) when the store was last seen to have none: one map, so
  // the evaluate path hashes its key once.
  private readonly known: Lru<string | number>;
  private pending: QueuedAssignment[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

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
      this.writeInBackground();
    } else {
      this.schedule();
    }
  }

  /**
   * Writes everything queued, a batch kept from an earlier failed write first; rejects with
   * `store_unavailable` when the store failed to take one (its records stay queued).
   */
  flush(): Promise<void> {
    return this.writeQueued();
  }

  /** Assignments waiting to be written. */
  get pendingCount(): number {
    return this.pending.length;
  }

  // --- Internal helpers ---

  // Writes run one after another so a batch never overtakes an earlier one. The chain
  // itself never rejects: a failed write must not stop the ones queued behind it.
  private writeQueued(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const attempt = this.writing.then(() => this.writeAll());
    this.writing = attempt.catch(() => {});
    return attempt;
  }

  // Nobody waits for this write: when it fails, the timer tries again, at most once a
  // second while the store is down.
  private writeInBackground(): void {
    this.writeQueued().catch(() =>
      this.schedule(Math.max(this.options.flushIntervalMs, RETRY_MIN_MS)),
    );
  }

  private schedule(delayMs = this.options.flushIntervalMs): void {
    if (this.timer !== null || this.pending.length === 0) return;
    this.timer = setTimeout(() => this.writeInBackground(), delayMs);
    this.timer.unref();
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
        throw unavailable(this.store, error);
      }
    }
  }
}

const RETRY_MIN_MS = 1000;

// Stores raise store_unavailable themselves; anything else that escapes one is still a
// write that did not happen, reported as such with the original kept as its cause.
function unavailable(store: Store, error: unknown): unknown {
  if (isAbkitError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(store.name, `assignments not written: ${reason}`, error);
}

function cacheKey(experimentId: string, entityId: string): string {
  return `${experimentId}\u0000${entityId}`;
}
