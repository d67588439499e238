export type { RedisStoreOptions } from "./redisStore.js";
export { redisStore } from "./redisStore.js";
