import { type AccountStore, ConflictError } from "@abkit/core";
import { copy, type MemoryState } from "./state.js";

/** Projects and API key records (keys are stored by hash; the plaintext never arrives here). */
export function accountMethods(state: MemoryState): AccountStore {
  return {
    async createProject(project) {
      if (state.accounts.has(project.id)) {
        throw new ConflictError(`project "${project.id}" already exists`, { id: project.id });
      }
      state.accounts.set(project.id, copy(project));
    },

    async getProject(projectId) {
      const project = state.accounts.get(projectId);
      return project ? copy(project) : null;
    },

    async listProjects(organizationId) {
      return [...state.accounts.values()]
        .filter((project) => project.organizationId === organizationId)
        .map(copy);
    },

    async createApiKey(record) {
      if (state.apiKeys.has(record.id) || state.apiKeyIdsByHash.has(record.hash)) {
        throw new ConflictError(`API key "${record.id}" already exists`, { id: record.id });
      }
      state.apiKeys.set(record.id, copy(record));
      state.apiKeyIdsByHash.set(record.hash, record.id);
    },

    async findApiKeyByHash(hash) {
      const id = state.apiKeyIdsByHash.get(hash);
      const record = id === undefined ? undefined : state.apiKeys.get(id);
      return record ? copy(record) : null;
    },

    async listApiKeys(organizationId) {
      return [...state.apiKeys.values()]
        .filter((record) => record.organizationId === organizationId)
        .map(copy);
    },

    async revokeApiKey(id, revokedAt) {
      const record = state.apiKeys.get(id);
      if (!record) return false;
      record.revokedAt ??= revokedAt;
      return true;
    },
  };
}
