import { type AccountStore, ConflictError } from "@abkit/core";
import type { Connection } from "./connection.js";
import { fromApiKeyDoc, fromProjectDoc, toApiKeyDoc, toProjectDoc } from "./documents.js";
import { isDuplicateKey } from "./errors.js";

/**
 * Projects and API key records (keys arrive hashed; the hash has a unique index). Ids are
 * the `_id`, so a taken id or hash is a duplicate key: `conflict`. Lists are oldest first
 * (by `createdAt`, then id), each from one index.
 */
export function accountMethods({ run }: Connection): AccountStore {
  return {
    createProject: (project) =>
      run(async (open) => {
        try {
          await open.collections.projects.insertOne(toProjectDoc(project));
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          throw new ConflictError(`project "${project.id}" already exists`, { id: project.id });
        }
      }),

    getProject: (projectId) =>
      run(async (open) => {
        const doc = await open.collections.projects.findOne({ _id: projectId });
        return doc ? fromProjectDoc(doc) : null;
      }),

    listProjects: (organizationId) =>
      run(async (open) =>
        (
          await open.collections.projects
            .find({ organizationId })
            .sort({ createdAt: 1, _id: 1 })
            .toArray()
        ).map(fromProjectDoc),
      ),

    createApiKey: (record) =>
      run(async (open) => {
        try {
          await open.collections.apiKeys.insertOne(toApiKeyDoc(record));
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          throw new ConflictError(`API key "${record.id}" already exists`, { id: record.id });
        }
      }),

    findApiKeyByHash: (hash) =>
      run(async (open) => {
        const doc = await open.collections.apiKeys.findOne({ hash });
        return doc ? fromApiKeyDoc(doc) : null;
      }),

    listApiKeys: (organizationId) =>
      run(async (open) =>
        (
          await open.collections.apiKeys
            .find({ organizationId })
            .sort({ createdAt: 1, _id: 1 })
            .toArray()
        ).map(fromApiKeyDoc),
      ),

    // One update: the first revokedAt is kept ($ifNull), and matchedCount says whether the
    // key exists. `$literal` keeps the caller's string a value, never a field path.
    revokeApiKey: (id, revokedAt) =>
      run(async (open) => {
        const result = await open.collections.apiKeys.updateOne({ _id: id }, [
          { $set: { revokedAt: { $ifNull: ["$revokedAt", { $literal: revokedAt }] } } },
        ]);
        return result.matchedCount > 0;
      }),
  };
}
