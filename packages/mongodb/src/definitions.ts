import {
  ConflictError,
  checkDefinitionId,
  checkDefinitionRevision,
  type DefinitionKind,
  type DefinitionStore,
  type DefinitionsSnapshot,
  NotFoundError,
  StoreUnavailableError,
} from "@abkit/core";
import { type ClientSession, ObjectId } from "mongodb";
import type { Connection, OpenStore } from "./connection.js";
import { fromDefinitionDoc, toDefinitionDoc } from "./documents.js";
import { isDuplicateKey, keyPatternOf } from "./errors.js";
import { inTransaction } from "./transactions.js";

/**
 * Definitions: one document per record, unique on (project, kind, key) and (project, kind,
 * id), with a revision for optimistic concurrency, and a version counter per project
 * bumped with `$inc` for every successful write, never for a refused one: the write and the
 * bump are one transaction.
 */
export function definitionMethods({ run }: Connection): DefinitionStore {
  return {
    definitionsVersion: (projectId) => run((open) => readVersion(open, projectId)),

    // The version is read first: the records read after it are at least as new as it says,
    // so a cache keyed by it never misses a change (at worst it reloads once more).
    loadDefinitions: (projectId) =>
      run(async (open) => {
        const version = await readVersion(open, projectId);
        const docs = await open.collections.definitions
          .find({ projectId })
          .sort({ id: 1 })
          .toArray();
        const snapshot: DefinitionsSnapshot = { version, experiments: [], flags: [], segments: [] };
        const lists: Record<DefinitionKind, unknown[]> = {
          experiment: snapshot.experiments,
          flag: snapshot.flags,
          segment: snapshot.segments,
        };
        for (const doc of docs) lists[doc.kind]?.push(fromDefinitionDoc(doc));
        return snapshot;
      }),

    // The contract's checks, in the core's words: revision, then id. A create that hits a
    // unique index lost to another writer (the key) or reuses an id: `conflict` either way.
    putDefinition: (kind, record, expected) =>
      run((open) =>
        writeAndBump(open, record.projectId, async (session) => {
          const { definitions } = open.collections;
          const stored = await storedDoc(open, kind, record.projectId, record.key, session);
          checkDefinitionRevision(kind, record.key, stored?.revision ?? 0, expected);
          checkDefinitionId(kind, record.key, stored?.id, record.id);
          const body = JSON.stringify(record);
          if (stored) {
            const update = { $set: { revision: record.revision, body } };
            await definitions.updateOne({ _id: stored._id }, update, { session });
            return;
          }
          try {
            await definitions.insertOne(toDefinitionDoc(kind, record, new ObjectId()), { session });
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
            const idTaken = keyPatternOf(error)?.id !== undefined;
            throw new ConflictError(
              idTaken
                ? `${kind} id "${record.id}" already exists`
                : `${kind} "${record.key}" already exists`,
              { kind, ...(idTaken ? { id: record.id } : { key: record.key }) },
            );
          }
        }),
      ),

    deleteDefinition: (kind, projectId, key, expected) =>
      run((open) =>
        writeAndBump(open, projectId, async (session) => {
          const stored = await storedDoc(open, kind, projectId, key, session);
          if (!stored) throw new NotFoundError(kind, key);
          checkDefinitionRevision(kind, key, stored.revision, expected);
          await open.collections.definitions.deleteOne({ _id: stored._id }, { session });
        }),
      ),
  };
}

// --- Internal helpers ---

async function readVersion(open: OpenStore, projectId: string): Promise<number> {
  return (await open.collections.versions.findOne({ _id: projectId }))?.version ?? 0;
}

// One transaction: `write` (which throws to refuse), then the project's version bump.
async function writeAndBump(
  open: OpenStore,
  projectId: string,
  write: (session: ClientSession) => Promise<void>,
): Promise<number> {
  const { versions } = open.collections;
  // Created outside, so the transactions only ever update it.
  await versions.updateOne({ _id: projectId }, { $setOnInsert: { version: 0 } }, { upsert: true });
  return inTransaction(open, async (session) => {
    await write(session);
    const after = await versions.findOneAndUpdate(
      { _id: projectId },
      { $inc: { version: 1 } },
      { session, returnDocument: "after" },
    );
    if (!after) throw new StoreUnavailableError("mongodb", "the version counter vanished");
    return after.version;
  });
}

function storedDoc(
  open: OpenStore,
  kind: DefinitionKind,
  projectId: string,
  key: string,
  session: ClientSession,
) {
  const filter = { projectId, kind, key };
  return open.collections.definitions.findOne(filter, { projection: { body: 0 }, session });
}
