import { AbkitError, type Store } from "@abkit/core";
import { accountMethods } from "./accounts.js";
import { definitionMethods } from "./definitions.js";
import { eventMethods } from "./events.js";
import { logMethods } from "./logs.js";
import { createState } from "./state.js";

/** Options of `memoryStore` (none yet; the object keeps the signature stable). */
export type MemoryStoreOptions = Record<string, never>;

/**
 * A `Store` kept in this process's memory: complete and exact, the reference other stores
 * are compared with. State lives as long as the object and is shared by every engine
 * given the same store; nothing survives a restart, and other processes cannot see it.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { memoryStore } from "@abkit/memory";
 *
 * const abkit = createAbkit({ store: memoryStore() });
 */
export function memoryStore(_options: MemoryStoreOptions = {}): Store {
  const state = createState();
  const methods: Omit<Store, "name" | "capabilities" | "close"> = {
    ...definitionMethods(state),
    ...eventMethods(state),
    ...logMethods(state),
    ...accountMethods(state),
  };
  const store = { name: "memory", capabilities: { crossProcess: false, durable: false } } as Store;
  for (const [name, method] of Object.entries(methods)) {
    // Every call after close() fails the same way, whichever method it is.
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      if (state.closed) return Promise.reject(closedError());
      return (method as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  store.close = async () => {
    state.closed = true;
  };
  return store;
}

function closedError(): AbkitError {
  return new AbkitError("store_unavailable", "memory store: closed", {
    details: { store: "memory" },
  });
}
