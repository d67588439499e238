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
      return copy(state.accounts.get(projectId) ?? null);
    },

    async listProjects(organizationId) {
      return ofOrganization(state.accounts, organizationId);
    },

    async createApiKey(record) {
      if (state.apiKeys.has(record.id) || state.apiKeyIdsByHash.has(record.hash)) {
        throw new ConflictError(`API key "${record.id}" already exists`, { id: record.id });
      }
      state.apiKeys.set(record.id, copy(record));
      state.apiKeyIdsByHash.set(record.hash, record.id);
    },

    async findApiKeyByHash(hash) {
      return copy(state.apiKeys.get(state.apiKeyIdsByHash.get(hash) ?? "") ?? null);
    },

    async listApiKeys(organizationId) {
      return ofOrganization(state.apiKeys, organizationId);
    },

    async revokeApiKey(id, revokedAt) {
      const record = state.apiKeys.get(id);
      if (!record) return false;
      record.revokedAt ??= revokedAt;
      return true;
    },
  };
}

// Maps keep insertion order: records come out oldest first, as copies.
function ofOrganization<T extends { organizationId: string }>(records: Map<string, T>, id: string) {
  return [...records.values()].filter((record) => record.organizationId === id).map(copy);
}
