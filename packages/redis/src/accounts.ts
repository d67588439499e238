import { type AccountStore, type ApiKeyRecord, ConflictError, type Project } from "@abkit/core";
import type { Connection } from "./connection.js";
import { scriptError } from "./errors.js";

/** Projects and API keys under the `{accounts}` hash tag; revocations in their own hash. */
export function accountMethods({ client, keys, script, write, run }: Connection): AccountStore {
  const k = keys.accounts;
  const withRevocation = async (body: string | null): Promise<ApiKeyRecord | null> => {
    if (body === null) return null;
    const record = JSON.parse(body) as ApiKeyRecord;
    return {
      ...record,
      revokedAt: (await client.hget(k.revocations, record.id)) ?? record.revokedAt,
    };
  };

  return {
    createProject: (project) =>
      run(async () => {
        if ((await write("hsetnx", [k.projects, project.id, JSON.stringify(project)])) === 0) {
          throw new ConflictError(`project "${project.id}" already exists`, { id: project.id });
        }
      }),

    getProject: (projectId) =>
      run(async () => {
        const body = await client.hget(k.projects, projectId);
        return body === null ? null : (JSON.parse(body) as Project);
      }),

    listProjects: (organizationId) =>
      run(async () =>
        Object.values(await client.hgetall(k.projects))
          .map((body) => JSON.parse(body) as Project)
          .filter((project) => project.organizationId === organizationId)
          .sort(oldestFirst),
      ),

    createApiKey: (record) =>
      run(async () => {
        const status = (await script(
          "createApiKey",
          [k.apiKeys, k.apiKeyHashes],
          [record.id, record.hash, JSON.stringify(record)],
        )) as number;
        if (status !== 0) throw scriptError(status, { id: record.id });
        if (record.revokedAt !== null)
          await write("hsetnx", [k.revocations, record.id, record.revokedAt]);
      }),

    findApiKeyByHash: (hash) =>
      run(async () => {
        const id = await client.hget(k.apiKeyHashes, hash);
        return id === null ? null : withRevocation(await client.hget(k.apiKeys, id));
      }),

    listApiKeys: (organizationId) =>
      run(async () => {
        const [bodies, revocations] = await Promise.all([
          client.hgetall(k.apiKeys),
          client.hgetall(k.revocations),
        ]);
        return Object.values(bodies)
          .map((body) => JSON.parse(body) as ApiKeyRecord)
          .filter((record) => record.organizationId === organizationId)
          .map((record) => ({ ...record, revokedAt: revocations[record.id] ?? record.revokedAt }))
          .sort(oldestFirst);
      }),

    revokeApiKey: (id, revokedAt) =>
      run(async () => {
        if ((await client.hexists(k.apiKeys, id)) === 0) return false;
        // HSETNX keeps the first revocation time.
        await write("hsetnx", [k.revocations, id, revokedAt]);
        return true;
      }),
  };
}

function oldestFirst(
  a: { createdAt: string; id: string },
  b: { createdAt: string; id: string },
): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
