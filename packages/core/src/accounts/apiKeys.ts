import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { AbkitError } from "../errors/AbkitError.js";
import { NotFoundError } from "../errors/NotFoundError.js";
import { newId } from "../ids.js";
import {
  type ApiKeyInput,
  type ApiKeyRecord,
  type ApiKeyScope,
  apiKeyInputSchema,
} from "../schema/apiKey.js";
import { DEFAULT_PROJECT, keySchema } from "../schema/common.js";
import { parseInput } from "../schema/parse.js";
import type { Store } from "../store.js";

/** Characters of the shown prefix (`ak_` + 9): enough to tell keys apart in a list. */
const PREFIX_LENGTH = 12;

/** A new key: its record (as stored) and the plaintext, shown once and never stored. */
export interface CreatedApiKey {
  record: ApiKeyRecord;
  plaintext: string;
}

/**
 * Creates an API key: 32 random bytes as `ak_<base64url>`. The store keeps its SHA-256 hash
 * and a display prefix; the plaintext is returned once. The key's default project is
 * created for its organization when it does not exist yet.
 *
 * @example
 * const { plaintext } = await createApiKey(store, { organizationId: "acme", projectId: "default", scopes: ["admin"] });
 */
export async function createApiKey(store: Store, input: ApiKeyInput): Promise<CreatedApiKey> {
  const key = parseInput(apiKeyInputSchema, input, "API key");
  const project = await store.getProject(key.projectId);
  if (project && project.organizationId !== key.organizationId) {
    // Another organization's project is invisible, never forbidden.
    throw new AbkitError("not_found", `project "${key.projectId}" not found`, {
      details: { kind: "project", key: key.projectId },
    });
  }
  if (!project) {
    await store.createProject({
      id: key.projectId,
      organizationId: key.organizationId,
      name: key.projectId === DEFAULT_PROJECT ? "Default" : key.projectId,
      createdAt: new Date().toISOString(),
    });
  }
  const plaintext = `ak_${randomBytes(32).toString("base64url")}`;
  const record: ApiKeyRecord = {
    id: newId("key"),
    organizationId: key.organizationId,
    projectId: key.projectId,
    name: key.name,
    scopes: [...new Set(key.scopes)],
    prefix: plaintext.slice(0, PREFIX_LENGTH),
    hash: hashApiKey(plaintext),
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  await store.createApiKey(record);
  return { record, plaintext };
}

/**
 * Revokes a key of an organization: it stops authenticating at once, in every process. A key
 * of another organization is `not_found`, as an unknown one is, so nothing leaks.
 *
 * @example
 * await revokeApiKey(store, { organizationId: "acme", id: "key_01J..." });
 */
export async function revokeApiKey(store: Store, target: ApiKeyTarget): Promise<void> {
  const { organizationId, id } = parseInput(keyTargetSchema, target, "API key revocation");
  const keys = await store.listApiKeys(organizationId);
  if (!keys.some((candidate) => candidate.id === id)) throw new NotFoundError("API key", id);
  await store.revokeApiKey(id, new Date().toISOString());
}

/** A key named by its organization and id. */
export interface ApiKeyTarget {
  organizationId: string;
  id: string;
}

/**
 * The live key a plaintext names, or `unauthorized`. The lookup is by hash, and the stored
 * hash is compared again in constant time, so timing says nothing about a key.
 */
export async function authenticateApiKey(store: Store, plaintext: string): Promise<ApiKeyRecord> {
  if (typeof plaintext !== "string" || plaintext.length < 10 || plaintext.length > 200) {
    throw unauthorized("the API key is malformed");
  }
  const hash = hashApiKey(plaintext);
  const record = await store.findApiKeyByHash(hash);
  if (!record || !timingSafeEqual(Buffer.from(record.hash, "hex"), Buffer.from(hash, "hex"))) {
    throw unauthorized("the API key is not valid");
  }
  if (record.revokedAt !== null) throw unauthorized("the API key was revoked");
  return record;
}

/** Throws `forbidden` unless the key has `scope` (`admin` includes every scope). */
export function requireScope(record: ApiKeyRecord, scope: ApiKeyScope): void {
  if (record.scopes.includes("admin") || record.scopes.includes(scope)) return;
  throw new AbkitError("forbidden", `this API key lacks the "${scope}" scope`, {
    details: { required: scope, scopes: record.scopes },
  });
}

/** The SHA-256 hex digest a key is stored under. */
export function hashApiKey(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex");
}

// --- Internal helpers ---

const keyTargetSchema = z.strictObject({ organizationId: keySchema, id: z.string().min(1) });

function unauthorized(message: string): AbkitError {
  return new AbkitError("unauthorized", message);
}
