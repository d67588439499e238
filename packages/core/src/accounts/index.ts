export type { ApiKeyTarget, CreatedApiKey } from "./apiKeys.js";
export {
  authenticateApiKey,
  createApiKey,
  hashApiKey,
  requireScope,
  revokeApiKey,
} from "./apiKeys.js";
