import { StoreUnavailableError } from "@abkit/core";
import { ObjectId } from "mongodb";
import type { OpenStore } from "./connection.js";
import { isDuplicateKey } from "./errors.js";
import { LEASE_MS } from "./server.js";

/**
 * Definitions version bumps on a standalone server, where a write and its bump cannot be
 * one transaction. A write stores its record together with a `bump` marker (one atomic
 * document write), then bumps the project's version, then removes the marker. A crash in
 * between leaves the marker, and recovery bumps for it later: a change is never left
 * unseen by other processes' caches. (Recovery may bump once more than needed if a writer
 * stalls past `LEASE_MS` between its write and its bump: harmless, a bump only makes
 * caches reload.) A refused write stores nothing, so it never bumps.
 */

/** A marker for a definition write whose version bump is outstanding. */
export function newBump(open: OpenStore): { token: string; at: Date } {
  return { token: new ObjectId().toHexString(), at: new Date(open.clock.now()) };
}

/**
 * Adds 1 to the project's definitions version (creating it at 1) and returns the new value.
 *
 * @example
 * const version = await bumpVersion(open, "default");
 */
export async function bumpVersion(open: OpenStore, projectId: string): Promise<number> {
  const bump = () =>
    open.collections.versions.findOneAndUpdate(
      { _id: projectId },
      { $inc: { version: 1 } },
      { upsert: true, returnDocument: "after" },
    );
  // Two first bumps of a project may both try to insert; the server retries such upserts
  // itself (4.2+), and the loser of any remaining race finds the document on a second try.
  const after = await bump().catch((error: unknown) => {
    if (isDuplicateKey(error)) return bump();
    throw error;
  });
  if (!after) throw new StoreUnavailableError("mongodb", "the version counter was not returned");
  return after.version;
}

/**
 * Pays the bump a marked write owes: bumps the version, then removes the marker (or, for a
 * delete, the document). Returns the new version.
 */
export async function settleBump(
  open: OpenStore,
  projectId: string,
  id: ObjectId,
  token: string,
  deleted: boolean,
): Promise<number> {
  const { definitions } = open.collections;
  const version = await bumpVersion(open, projectId);
  if (deleted) await definitions.deleteOne({ _id: id, "bump.token": token });
  else await definitions.updateOne({ _id: id, "bump.token": token }, { $unset: { bump: "" } });
  return version;
}

/**
 * Recovery: settles markers older than `LEASE_MS` (their writer crashed or stalled), at
 * most `max` of them. Each is first claimed by swapping in a new token, so two recoverers
 * never both bump for the same marker.
 */
export async function settleDefinitionBumps(open: OpenStore, max: number): Promise<void> {
  const { definitions } = open.collections;
  const stale = await definitions
    .find(
      { bump: { $exists: true }, "bump.at": { $lt: new Date(open.clock.now() - LEASE_MS) } },
      { projection: { projectId: 1, bump: 1, deleted: 1 } },
    )
    .limit(max)
    .toArray();
  for (const doc of stale) {
    const claim = newBump(open);
    const claimed = await definitions.updateOne(
      { _id: doc._id, "bump.token": doc.bump?.token },
      { $set: { bump: claim } },
    );
    if (claimed.matchedCount === 1) {
      await settleBump(open, doc.projectId, doc._id, claim.token, doc.deleted === true);
    }
  }
}
