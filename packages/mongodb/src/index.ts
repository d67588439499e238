export type { CollectionKey, IndexSpec } from "./collections.js";
export { COLLECTION_NAMES, ensureIndexes, INDEXES } from "./collections.js";
export { isDuplicateKey, toAbkitError } from "./errors.js";
export { mongodbStore } from "./mongodbStore.js";
export type { MongodbStoreOptions } from "./options.js";
export { DEFAULT_COLLECTION_PREFIX, DEFAULT_DB_NAME, parseMongoUrl } from "./options.js";
