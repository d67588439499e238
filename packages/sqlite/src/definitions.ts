import {
  checkDefinitionId,
  checkDefinitionRevision,
  type DefinitionKind,
  type DefinitionOf,
  type DefinitionStore,
  NotFoundError,
} from "@abkit/core";
import type Database from "better-sqlite3";
import { insertUnique } from "./errors.js";
import { reader, writer } from "./transactions.js";

/** Definitions as JSON bodies keyed by (project, kind, key), with a per-project version row. */
export function definitionMethods(db: Database.Database): DefinitionStore {
  const selectVersion = db
    .prepare<[string], number>("SELECT version FROM definition_versions WHERE project_id = ?")
    .pluck();
  const bumpVersion = db
    .prepare<[string], number>(
      `INSERT INTO definition_versions (project_id, version) VALUES (?, 1)
       ON CONFLICT (project_id) DO UPDATE SET version = version + 1 RETURNING version`,
    )
    .pluck();
  const selectBodies = db.prepare<[string], { kind: string; body: string }>(
    "SELECT kind, body FROM definitions WHERE project_id = ? ORDER BY id",
  );
  const selectStored = db.prepare<[string, string, string], { revision: number; id: string }>(
    "SELECT revision, id FROM definitions WHERE project_id = ? AND kind = ? AND key = ?",
  );
  // The key's row is replaced; another key's id is a unique violation (definitions_by_id).
  const put = db.prepare(
    `INSERT INTO definitions (project_id, kind, key, id, revision, body) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (project_id, kind, key) DO UPDATE SET revision = excluded.revision, body = excluded.body`,
  );
  const remove = db.prepare(
    "DELETE FROM definitions WHERE project_id = ? AND kind = ? AND key = ?",
  );
  const versionOf = (projectId: string) => selectVersion.get(projectId) ?? 0;

  return {
    definitionsVersion: async (projectId) => versionOf(projectId),

    // One read transaction: the bodies and the version come from the same snapshot.
    loadDefinitions: reader(db, (projectId) => {
      const rows = selectBodies.all(projectId);
      const bodies = <K extends DefinitionKind>(kind: K): DefinitionOf<K>[] =>
        rows.filter((row) => row.kind === kind).map((row) => JSON.parse(row.body));
      return {
        version: versionOf(projectId),
        experiments: bodies("experiment"),
        flags: bodies("flag"),
        segments: bodies("segment"),
      };
    }),

    putDefinition: writer(db, (kind, record, expectedRevision) => {
      const { projectId, key, id, revision } = record;
      const stored = selectStored.get(projectId, kind, key);
      const actual = stored?.revision ?? 0;
      checkDefinitionRevision(kind, key, actual, expectedRevision);
      checkDefinitionId(kind, key, stored?.id, id);
      const row = [projectId, kind, key, id, revision, JSON.stringify(record)];
      insertUnique(put, row, `${kind} id "${id}"`, { kind, id });
      return bumpVersion.get(projectId)!;
    }),

    deleteDefinition: writer(db, (kind, projectId, key, expectedRevision) => {
      const actual = selectStored.get(projectId, kind, key)?.revision;
      if (actual === undefined) throw new NotFoundError(kind, key);
      checkDefinitionRevision(kind, key, actual, expectedRevision);
      remove.run(projectId, kind, key);
      return bumpVersion.get(projectId)!;
    }),
  };
}
