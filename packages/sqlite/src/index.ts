export { SCHEMA_VERSION } from "./migrations.js";
export type { SqliteStoreOptions } from "./sqliteStore.js";
export { sqliteStore } from "./sqliteStore.js";
