import * as z from "zod";
import { keySchema, nameSchema } from "./common.js";

/** `sdk` may evaluate, track and log; `admin` may do everything. */
export const apiKeyScopeSchema = z.enum(["sdk", "admin"]);
export type ApiKeyScope = z.output<typeof apiKeyScopeSchema>;

/** What a caller gives to create an API key. */
export const apiKeyInputSchema = z.strictObject({
  organizationId: keySchema,
  /** The project requests go to when they name none. */
  projectId: keySchema,
  name: nameSchema.default(""),
  scopes: z.array(apiKeyScopeSchema).min(1).default(["sdk"]),
});
export type ApiKeyInput = z.input<typeof apiKeyInputSchema>;

/**
 * A stored API key. The plaintext is shown once at creation and never stored: only its
 * SHA-256 `hash` and a short display `prefix` are.
 */
export interface ApiKeyRecord {
  id: string;
  organizationId: string;
  projectId: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}
