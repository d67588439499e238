export type { MemoryStoreOptions } from "./memoryStore.js";
export { memoryStore } from "./memoryStore.js";
