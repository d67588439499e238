import type { AccountStore, ApiKeyRecord, Project } from "@abkit/core";
import type Database from "better-sqlite3";
import { insertUnique } from "./errors.js";

/** Projects and API key records; keys arrive hashed and are found by hash. */
export function accountMethods(db: Database.Database): AccountStore {
  const insertProject = db.prepare(
    "INSERT INTO projects (id, organization_id, body) VALUES (?, ?, ?)",
  );
  const selectProject = db
    .prepare<[string], string>("SELECT body FROM projects WHERE id = ?")
    .pluck();
  const selectProjects = db
    .prepare<[string], string>(
      "SELECT body FROM projects WHERE organization_id = ? ORDER BY json_extract(body, '$.createdAt'), id",
    )
    .pluck();
  const insertKey = db.prepare(
    "INSERT INTO api_keys (id, organization_id, hash, revoked_at, body) VALUES (?, ?, ?, ?, ?)",
  );
  const selectKey = db.prepare<[string], KeyRow>(
    "SELECT body, revoked_at FROM api_keys WHERE hash = ?",
  );
  const selectKeys = db.prepare<[string], KeyRow>(
    "SELECT body, revoked_at FROM api_keys WHERE organization_id = ? ORDER BY id",
  );
  const revokeKey = db.prepare(
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
  );

  return {
    createProject: async (project) => {
      const { id, organizationId } = project;
      const row = [id, organizationId, JSON.stringify(project)];
      insertUnique(insertProject, row, `project "${id}"`, { id });
    },
    getProject: async (projectId) => {
      const body = selectProject.get(projectId);
      return body === undefined ? null : (JSON.parse(body) as Project);
    },
    listProjects: async (organizationId) =>
      selectProjects.all(organizationId).map((body) => JSON.parse(body) as Project),

    createApiKey: async (record) => {
      const { id, organizationId, hash, revokedAt } = record;
      const row = [id, organizationId, hash, revokedAt, JSON.stringify(record)];
      insertUnique(insertKey, row, `API key "${id}"`, { id });
    },
    findApiKeyByHash: async (hash) => {
      const row = selectKey.get(hash);
      return row ? keyFromRow(row) : null;
    },
    listApiKeys: async (organizationId) => selectKeys.all(organizationId).map(keyFromRow),
    revokeApiKey: async (id, revokedAt) => revokeKey.run(revokedAt, id).changes > 0,
  };
}

// --- Internal helpers ---

type KeyRow = { body: string; revoked_at: string | null };

// Revocation lives in its own column (it changes); the rest of the record never does.
function keyFromRow(row: KeyRow): ApiKeyRecord {
  return { ...(JSON.parse(row.body) as ApiKeyRecord), revokedAt: row.revoked_at };
}
