import { type AccountStore, type ApiKeyRecord, ConflictError, type Project } from "@abkit/core";
import type { Connection } from "./connection.js";
import { isUniqueViolation } from "./errors.js";

/** Projects and API key records; keys arrive hashed and are found by hash. */
export function accountMethods({ db, run }: Connection): AccountStore {
  const insertProject = db.prepare(
    "INSERT INTO projects (id, organization_id, body) VALUES (?, ?, ?)",
  );
  const selectProject = db.prepare<[string], { body: string }>(
    "SELECT body FROM projects WHERE id = ?",
  );
  const selectProjects = db.prepare<[string], { body: string }>(
    "SELECT body FROM projects WHERE organization_id = ? ORDER BY json_extract(body, '$.createdAt'), id",
  );
  const insertKey = db.prepare(
    "INSERT INTO api_keys (id, organization_id, hash, revoked_at, body) VALUES (?, ?, ?, ?, ?)",
  );
  const selectKeyByHash = db.prepare<[string], KeyRow>(
    "SELECT body, revoked_at FROM api_keys WHERE hash = ?",
  );
  const selectKeys = db.prepare<[string], KeyRow>(
    "SELECT body, revoked_at FROM api_keys WHERE organization_id = ? ORDER BY id",
  );
  const revokeKey = db.prepare(
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
  );

  return {
    createProject: (project) =>
      run(() => {
        try {
          insertProject.run(project.id, project.organizationId, JSON.stringify(project));
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw new ConflictError(`project "${project.id}" already exists`, { id: project.id });
        }
      }),

    getProject: (projectId) =>
      run(() => {
        const row = selectProject.get(projectId);
        return row ? (JSON.parse(row.body) as Project) : null;
      }),

    listProjects: (organizationId) =>
      run(() => selectProjects.all(organizationId).map((row) => JSON.parse(row.body) as Project)),

    createApiKey: (record) =>
      run(() => {
        try {
          insertKey.run(
            record.id,
            record.organizationId,
            record.hash,
            record.revokedAt,
            JSON.stringify(record),
          );
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw new ConflictError(`API key "${record.id}" already exists`, { id: record.id });
        }
      }),

    findApiKeyByHash: (hash) =>
      run(() => {
        const row = selectKeyByHash.get(hash);
        return row ? keyFromRow(row) : null;
      }),

    listApiKeys: (organizationId) => run(() => selectKeys.all(organizationId).map(keyFromRow)),

    revokeApiKey: (id, revokedAt) => run(() => revokeKey.run(revokedAt, id).changes > 0),
  };
}

// --- Internal helpers ---

interface KeyRow {
  body: string;
  revoked_at: string | null;
}

// Revocation lives in its own column (it changes); the rest of the record never does.
function keyFromRow(row: KeyRow): ApiKeyRecord {
  return { ...(JSON.parse(row.body) as ApiKeyRecord), revokedAt: row.revoked_at };
}
