// In-process retries of idempotent store writes: a blip of the store must not leave a log
// or a score counted in one place and not the other.
import { isAbkitError } from "../../errors/AbkitError.js";

/** How many times an idempotent write is tried before its error is passed on. */
export const STORE_WRITE_ATTEMPTS = 3;

/**
 * Runs `write` until it succeeds, retrying (immediately) only when the store was unavailable,
 * at most `STORE_WRITE_ATTEMPTS` times in all. `write` must be safe to repeat: a repeat of a
 * write that did land (its reply lost) must be a no-op.
 *
 * @example
 * await retryStoreWrite(() => ctx.store.applyEvents(projectId, records));
 */
export async function retryStoreWrite<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const retryable = isAbkitError(error) && error.code === "store_unavailable";
      if (!retryable || attempt >= STORE_WRITE_ATTEMPTS) throw error;
    }
  }
}
