export type { CreatedApiKey } from "./apiKeys.js";
export { authenticateApiKey, createApiKey, hashApiKey, requireScope } from "./apiKeys.js";
