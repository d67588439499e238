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
import { uniqueViolationOf } from "./errors.js";
import type { Tables } from "./tables.js";
import type { Tx } from "./transactions.js";

/**
 * Definitions as JSON bodies keyed by (project, kind, key), unique on (project, kind, id),
 * with a version row per project. A write first bumps the version with an upsert, which
 * locks the project's row until the transaction ends: the project's writes run one after
 * the other, so the revision read next is the latest, and each write takes the next version
 * (a refused write rolls its bump back).
 */
export function definitionMethods({ run }: Connection): DefinitionStore {
  return {
    definitionsVersion: (projectId) =>
      run(async (db) => {
        const rows = await db.query<{ version: number }>(
          `SELECT version::float8 AS version FROM ${db.t.definitionVersions} WHERE project_id = $1`,
          [projectId],
        );
        return rows[0]?.version ?? 0;
      }),

    // One statement, so one snapshot: the bodies are those of the version returned.
    loadDefinitions: (projectId) =>
      run(async (db) => {
        const rows = await db.query<{ version: number; kind: DefinitionKind | null; body: string }>(
          `SELECT v.version, d.kind, d.body
           FROM (SELECT coalesce(max(version), 0)::float8 AS version
                 FROM ${db.t.definitionVersions} WHERE project_id = $1) v
           LEFT JOIN ${db.t.definitions} d ON d.project_id = $1
           ORDER BY d.id`,
          [projectId],
        );
        const snapshot: DefinitionsSnapshot = {
          version: rows[0]?.version ?? 0,
          experiments: [],
          flags: [],
          segments: [],
        };
        const lists: Record<DefinitionKind, unknown[]> = {
          experiment: snapshot.experiments,
          flag: snapshot.flags,
          segment: snapshot.segments,
        };
        for (const row of rows) if (row.kind) lists[row.kind]?.push(JSON.parse(row.body));
        return snapshot;
      }),

    putDefinition: (kind, record, expectedRevision) =>
      run((db) =>
        db.transaction(async (tx) => {
          const { projectId, key, id, revision } = record;
          const version = await bumpVersion(tx, db.t, projectId);
          const stored = await storedRow(tx, db.t, kind, projectId, key);
          checkDefinitionRevision(kind, key, stored?.revision ?? 0, expectedRevision);
          checkDefinitionId(kind, key, stored?.id, id);
          try {
            await tx.query(
              `INSERT INTO ${db.t.definitions} (project_id, kind, key, id, revision, body)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (project_id, kind, key)
               DO UPDATE SET revision = excluded.revision, body = excluded.body`,
              [projectId, kind, key, id, revision, JSON.stringify(record)],
            );
          } catch (error) {
            // Another key of the kind holds this id.
            if (uniqueViolationOf(error) !== "definitions_id_key") throw error;
            throw new ConflictError(`${kind} id "${id}" already exists`, { kind, id });
          }
          return version;
        }),
      ),

    deleteDefinition: (kind, projectId, key, expectedRevision) =>
      run((db) =>
        db.transaction(async (tx) => {
          const version = await bumpVersion(tx, db.t, projectId);
          const stored = await storedRow(tx, db.t, kind, projectId, key);
          if (!stored) throw new NotFoundError(kind, key);
          checkDefinitionRevision(kind, key, stored.revision, expectedRevision);
          await tx.query(
            `DELETE FROM ${db.t.definitions} WHERE project_id = $1 AND kind = $2 AND key = $3`,
            [projectId, kind, key],
          );
          return version;
        }),
      ),
  };
}

// --- Internal helpers ---

// Takes the project's next version and holds its row locked until the transaction ends.
async function bumpVersion(tx: Tx, t: Tables, projectId: string): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `INSERT INTO ${t.definitionVersions} AS v (project_id, version) VALUES ($1, 1)
     ON CONFLICT (project_id) DO UPDATE SET version = v.version + 1
     RETURNING version::float8 AS version`,
    [projectId],
  );
  return rows[0]!.version;
}

async function storedRow(
  tx: Tx,
  t: Tables,
  kind: DefinitionKind,
  projectId: string,
  key: string,
): Promise<{ revision: number; id: string } | undefined> {
  const { rows } = await tx.query<{ revision: number; id: string }>(
    `SELECT revision, id FROM ${t.definitions} WHERE project_id = $1 AND kind = $2 AND key = $3`,
    [projectId, kind, key],
  );
  return rows[0];
}
