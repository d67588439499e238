export { isTransient, SQLSTATE, toAbkitError } from "./errors.js";
export { SCHEMA_VERSION } from "./migrations.js";
export type { PostgresConnection, PostgresStoreOptions } from "./options.js";
export { DEFAULT_SCHEMA } from "./options.js";
export { postgresStore } from "./postgresStore.js";
