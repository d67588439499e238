import {
  ConflictError,
  checkDefinitionId,
  checkDefinitionRevision,
  type DefinitionKind,
  type DefinitionStore,
  type DefinitionsSnapshot,
  NotFoundError,
} from "@abkit/core";
import type { Connection } from "./connection.js";
import { isUniqueViolation } from "./errors.js";

/** Definitions as JSON bodies keyed by (project, kind, key), with a per-project version row. */
export function definitionMethods({ db, run, write }: Connection): DefinitionStore {
  const selectVersion = db.prepare<[string], { version: number }>(
    "SELECT version FROM definition_versions WHERE project_id = ?",
  );
  const bumpVersion = db.prepare<[string], { version: number }>(
    `INSERT INTO definition_versions (project_id, version) VALUES (?, 1)
     ON CONFLICT (project_id) DO UPDATE SET version = version + 1 RETURNING version`,
  );
  const selectBodies = db.prepare<[string], { kind: DefinitionKind; body: string }>(
    "SELECT kind, body FROM definitions WHERE project_id = ? ORDER BY id",
  );
  const selectStored = db.prepare<[string, string, string], { revision: number; id: string }>(
    "SELECT revision, id FROM definitions WHERE project_id = ? AND kind = ? AND key = ?",
  );
  const insert = db.prepare(
    "INSERT INTO definitions (project_id, kind, key, id, revision, body) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const update = db.prepare(
    "UPDATE definitions SET revision = ?, body = ? WHERE project_id = ? AND kind = ? AND key = ?",
  );
  const remove = db.prepare(
    "DELETE FROM definitions WHERE project_id = ? AND kind = ? AND key = ?",
  );
  const versionOf = (projectId: string) => selectVersion.get(projectId)?.version ?? 0;

  return {
    definitionsVersion: (projectId) => run(() => versionOf(projectId)),

    // One read transaction: the bodies and the version come from the same snapshot.
    loadDefinitions: (projectId) =>
      run(() =>
        db.transaction(() => {
          const snapshot: DefinitionsSnapshot = {
            version: versionOf(projectId),
            experiments: [],
            flags: [],
            segments: [],
          };
          const lists: Record<DefinitionKind, unknown[]> = {
            experiment: snapshot.experiments,
            flag: snapshot.flags,
            segment: snapshot.segments,
          };
          for (const row of selectBodies.all(projectId)) lists[row.kind].push(JSON.parse(row.body));
          return snapshot;
        })(),
      ),

    putDefinition: (kind, record, expectedRevision) =>
      write(() => {
        const { projectId, key } = record;
        const stored = selectStored.get(projectId, kind, key);
        const actual = stored?.revision ?? 0;
        checkDefinitionRevision(kind, key, actual, expectedRevision);
        checkDefinitionId(kind, key, stored?.id, record.id);
        const body = JSON.stringify(record);
        if (actual === 0) {
          try {
            insert.run(projectId, kind, key, record.id, record.revision, body);
          } catch (error) {
            if (!isUniqueViolation(error)) throw error;
            throw new ConflictError(`${kind} id "${record.id}" already exists`, {
              kind,
              id: record.id,
            });
          }
        } else {
          update.run(record.revision, body, projectId, kind, key);
        }
        return bumpVersion.get(projectId)!.version;
      }),

    deleteDefinition: (kind, projectId, key, expectedRevision) =>
      write(() => {
        const actual = selectStored.get(projectId, kind, key)?.revision;
        if (actual === undefined) throw new NotFoundError(kind, key);
        checkDefinitionRevision(kind, key, actual, expectedRevision);
        remove.run(projectId, kind, key);
        return bumpVersion.get(projectId)!.version;
      }),
  };
}
