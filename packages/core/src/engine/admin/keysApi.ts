import { type CreatedApiKey, createApiKey, revokeApiKey } from "../../accounts/apiKeys.js";
import type { ApiKeyInput, ApiKeyRecord } from "../../schema/apiKey.js";
import { keySchema } from "../../schema/common.js";
import { parseInput } from "../../schema/parse.js";
import { checkObject } from "../arguments.js";
import type { EngineContext } from "../context.js";

/** What `keys.create` takes: `projectId` defaults to the engine's project. */
export type KeyCreateInput = Omit<ApiKeyInput, "projectId"> & { projectId?: string };

/** API keys of an organization, as an admin tool manages them. */
export interface KeysApi {
  /**
   * Creates a key; the plaintext is returned once and never stored. The project (the
   * engine's when omitted) is created for the organization if it does not exist.
   */
  create(input: KeyCreateInput): Promise<CreatedApiKey>;
  /** The organization's keys, revoked ones included (with `revokedAt`). */
  list(organizationId: string): Promise<ApiKeyRecord[]>;
  /** Revokes a key of the organization; another organization's key is `not_found`. */
  revoke(organizationId: string, id: string): Promise<void>;
}

export function keysApi(ctx: EngineContext): KeysApi {
  return {
    async create(input) {
      ctx.assertOpen();
      checkObject(input, "API key");
      return createApiKey(ctx.store, { ...input, projectId: input.projectId ?? ctx.projectId });
    },
    async list(organizationId) {
      ctx.assertOpen();
      return ctx.store.listApiKeys(parseInput(keySchema, organizationId, "organization id"));
    },
    async revoke(organizationId, id) {
      ctx.assertOpen();
      await revokeApiKey(ctx.store, { organizationId, id });
    },
  };
}
