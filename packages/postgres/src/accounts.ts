import { type AccountStore, type ApiKeyRecord, ConflictError, type Project } from "@abkit/core";
import type { Connection } from "./connection.js";
import { uniqueViolationOf } from "./errors.js";

/**
 * Projects and API key records (keys arrive hashed; the hash is unique). A taken id or hash
 * is a `conflict`. Lists are oldest first (by `createdAt`, then id), each from one index.
 */
export function accountMethods({ run }: Connection): AccountStore {
  return {
    createProject: (project) =>
      run(async (db) => {
        const { id, organizationId, createdAt } = project;
        try {
          await db.query(
            `INSERT INTO ${db.t.projects} (id, organization_id, created_at, body) VALUES ($1, $2, $3, $4)`,
            [id, organizationId, createdAt, JSON.stringify(project)],
          );
        } catch (error) {
          if (uniqueViolationOf(error) !== "projects_pkey") throw error;
          throw new ConflictError(`project "${id}" already exists`, { id });
        }
      }),

    getProject: (projectId) =>
      run(async (db) => {
        const rows = await db.query<{ body: string }>(
          `SELECT body FROM ${db.t.projects} WHERE id = $1`,
          [projectId],
        );
        return rows[0] ? (JSON.parse(rows[0].body) as Project) : null;
      }),

    listProjects: (organizationId) =>
      run(async (db) => {
        const rows = await db.query<{ body: string }>(
          `SELECT body FROM ${db.t.projects} WHERE organization_id = $1 ORDER BY created_at, id`,
          [organizationId],
        );
        return rows.map((row) => JSON.parse(row.body) as Project);
      }),

    createApiKey: (record) =>
      run(async (db) => {
        const { id, organizationId, hash, createdAt, revokedAt } = record;
        try {
          await db.query(
            `INSERT INTO ${db.t.apiKeys} (id, organization_id, hash, created_at, revoked_at, body)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [id, organizationId, hash, createdAt, revokedAt, JSON.stringify(record)],
          );
        } catch (error) {
          const constraint = uniqueViolationOf(error);
          if (constraint !== "api_keys_pkey" && constraint !== "api_keys_hash_key") throw error;
          throw new ConflictError(`API key "${id}" already exists`, { id });
        }
      }),

    findApiKeyByHash: (hash) =>
      run(async (db) => {
        const rows = await db.query<KeyRow>(
          `SELECT body, revoked_at FROM ${db.t.apiKeys} WHERE hash = $1`,
          [hash],
        );
        return rows[0] ? keyFromRow(rows[0]) : null;
      }),

    listApiKeys: (organizationId) =>
      run(async (db) => {
        const rows = await db.query<KeyRow>(
          `SELECT body, revoked_at FROM ${db.t.apiKeys} WHERE organization_id = $1 ORDER BY created_at, id`,
          [organizationId],
        );
        return rows.map(keyFromRow);
      }),

    // One statement: the first revokedAt is kept, and the row count says whether the key exists.
    revokeApiKey: (id, revokedAt) =>
      run(async (db) => {
        const rows = await db.query<{ id: string }>(
          `UPDATE ${db.t.apiKeys} SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING id`,
          [id, revokedAt],
        );
        return rows.length > 0;
      }),
  };
}

// --- Internal helpers ---

type KeyRow = { body: string; revoked_at: string | null };

// Revocation lives in its own column (it changes); the rest of the record never does.
function keyFromRow(row: KeyRow): ApiKeyRecord {
  return { ...(JSON.parse(row.body) as ApiKeyRecord), revokedAt: row.revoked_at };
}
