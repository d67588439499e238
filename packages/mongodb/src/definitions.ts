import {
  ConflictError,
  checkDefinitionId,
  checkDefinitionRevision,
  type DefinitionKind,
  type DefinitionOf,
  type DefinitionStore,
  type DefinitionsSnapshot,
  NotFoundError,
  StoreUnavailableError,
} from "@abkit/core";
import { type ClientSession, type Collection, ObjectId } from "mongodb";
import type { Connection, OpenStore } from "./connection.js";
import type { VersionDoc } from "./counterDocs.js";
import { type DefinitionDoc, fromDefinitionDoc, toDefinitionDoc } from "./documents.js";
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

    putDefinition: (kind, record, expectedRevision) =>
      run((open) => putInTransaction(open, kind, record, expectedRevision)),

    deleteDefinition: (kind, projectId, key, expectedRevision) =>
      run((open) => deleteInTransaction(open, kind, projectId, key, expectedRevision)),
  };
}

// --- Internal helpers ---

async function readVersion(open: OpenStore, projectId: string): Promise<number> {
  return (await open.collections.versions.findOne({ _id: projectId }))?.version ?? 0;
}

async function putInTransaction<K extends DefinitionKind>(
  open: OpenStore,
  kind: K,
  record: DefinitionOf<K>,
  expected: number,
): Promise<number> {
  const { definitions, versions } = open.collections;
  // Created outside, so the transactions below only ever update it.
  await versions.updateOne(
    { _id: record.projectId },
    { $setOnInsert: { version: 0 } },
    { upsert: true },
  );
  return inTransaction(open, async (session) => {
    const stored = await current(open, kind, record.projectId, record.key, session);
    checkWrite(kind, record, stored, expected);
    if (stored) {
      await definitions.updateOne(
        { _id: stored._id },
        { $set: { revision: record.revision, body: JSON.stringify(record) } },
        { session },
      );
    } else {
      await insertDefinition(open, toDefinitionDoc(kind, record, new ObjectId()), record, session);
    }
    return bumpInSession(versions, record.projectId, session);
  });
}

async function deleteInTransaction(
  open: OpenStore,
  kind: DefinitionKind,
  projectId: string,
  key: string,
  expected: number,
): Promise<number> {
  const { definitions, versions } = open.collections;
  await versions.updateOne({ _id: projectId }, { $setOnInsert: { version: 0 } }, { upsert: true });
  return inTransaction(open, async (session) => {
    const stored = await current(open, kind, projectId, key, session);
    if (!stored) throw new NotFoundError(kind, key);
    checkDefinitionRevision(kind, key, stored.revision, expected);
    await definitions.deleteOne({ _id: stored._id }, { session });
    return bumpInSession(versions, projectId, session);
  });
}

// The version doc exists (created before the transaction): this is a plain update.
async function bumpInSession(
  versions: Collection<VersionDoc>,
  projectId: string,
  session: ClientSession,
): Promise<number> {
  const after = await versions.findOneAndUpdate(
    { _id: projectId },
    { $inc: { version: 1 } },
    { session, returnDocument: "after" },
  );
  if (!after) throw new StoreUnavailableError("mongodb", "the version counter vanished");
  return after.version;
}

function current(
  open: OpenStore,
  kind: DefinitionKind,
  projectId: string,
  key: string,
  session: ClientSession,
): Promise<DefinitionDoc | null> {
  return open.collections.definitions.findOne(
    { projectId, kind, key },
    { projection: { body: 0 }, session },
  );
}

// The contract's checks, in the core's words: revision, then id.
function checkWrite(
  kind: DefinitionKind,
  record: { key: string; id: string },
  stored: DefinitionDoc | null,
  expected: number,
): void {
  checkDefinitionRevision(kind, record.key, stored?.revision ?? 0, expected);
  checkDefinitionId(kind, record.key, stored?.id, record.id);
}

// A create: a duplicate key means the key (raced by another writer) or the id is taken.
async function insertDefinition(
  open: OpenStore,
  doc: DefinitionDoc,
  record: { key: string; id: string },
  session: ClientSession,
): Promise<void> {
  try {
    await open.collections.definitions.insertOne(doc, { session });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const idTaken = keyPatternOf(error)?.id !== undefined;
    throw new ConflictError(
      idTaken
        ? `${doc.kind} id "${record.id}" already exists`
        : `${doc.kind} "${record.key}" already exists`,
      { kind: doc.kind, ...(idTaken ? { id: record.id } : { key: record.key }) },
    );
  }
}
