import type { Collection, Document } from "mongodb";
import { applyAssignmentBatch } from "./assignments.js";
import type { OpenStore } from "./connection.js";
import { settleDefinitionBumps } from "./definitionBumps.js";
import { applyEventBatch } from "./eventJournal.js";
import { applyLogSummaries } from "./logs.js";
import { leaseExpired, type ServerClock } from "./server.js";

/** At most this many entries of each kind are finished per recovery pass. */
const MAX_PER_PASS = 100;

/**
 * Finishes what crashed (or stalled) appliers left behind, so counters never drift from
 * what they count: assignment batches, event batches and logs still `pending` after their
 * lease ran out (on the server's clock), and definition version bumps still owed. Each is
 * first claimed with a new lease by one `findOneAndUpdate`, so one recoverer works on it at
 * a time, and every write it replays is guarded (a replay of a write that landed is a no-op).
 *
 * @example
 * await recoverPending(open); // usually finds nothing: one indexed query per collection
 */
export async function recoverPending(open: OpenStore): Promise<void> {
  const { assignmentBatches, eventBatches, logs } = open.collections;
  await settleDefinitionBumps(open, MAX_PER_PASS);
  for (let i = 0; i < MAX_PER_PASS; i++) {
    const batch = await claimExpired(assignmentBatches, open.clock);
    if (!batch) break;
    await applyAssignmentBatch(open, batch);
  }
  for (let i = 0; i < MAX_PER_PASS; i++) {
    const batch = await claimExpired(eventBatches, open.clock);
    if (!batch) break;
    await applyEventBatch(open, { ...batch, lease: batch.lease! });
  }
  for (let i = 0; i < MAX_PER_PASS; i++) {
    const log = await claimExpired(logs, open.clock);
    if (!log) break;
    await applyLogSummaries(open, log, log.lease!);
  }
}

// --- Internal helpers ---

// Takes one pending entry whose lease expired, giving it a new lease: atomic, so two
// recoverers never both take it (and the old applier's fenced writes can no longer land).
async function claimExpired<T extends Document & { lease?: Date }>(
  collection: Collection<T>,
  clock: ServerClock,
): Promise<T | null> {
  const lease = await clock.leaseUntil();
  const claimed = await (collection as unknown as Collection<Document>).findOneAndUpdate(
    leaseExpired(clock),
    { $set: { lease } },
    { returnDocument: "after" },
  );
  return claimed as T | null;
}
