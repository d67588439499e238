import { defineStore, type Store, ValidationError } from "@abkit/core";
import { accountMethods } from "./accounts.js";
import { definitionMethods } from "./definitions.js";
import { eventMethods } from "./events.js";
import { logMethods } from "./logs.js";
import { createState } from "./state.js";

/** Options of `memoryStore`. */
export interface MemoryStoreOptions {
  /**
   * Idempotency keys remembered for dedup (default 1 000 000, about 100 MB at 40-character
   * keys): a repeat is deduped while its key is among the last this many keys seen;
   * older keys are forgotten, so a repeat of one counts again. `Infinity` never forgets.
   */
  maxIdempotencyKeys?: number;
}

/**
 * A `Store` kept in this process's memory: complete and exact, the reference other stores
 * are compared with. State lives as long as the object and is shared by every engine
 * given the same store; nothing survives a restart, and other processes cannot see it.
 * Events are not kept (see docs/stores.md): memory grows with definitions, assignments,
 * per-entity totals and logs; dedup keys and day totals are bounded.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { memoryStore } from "@abkit/memory";
 *
 * const abkit = createAbkit({ store: memoryStore() });
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store {
  const maxIdempotencyKeys = options.maxIdempotencyKeys ?? 1_000_000;
  if (!(maxIdempotencyKeys >= 1)) {
    throw ValidationError.field(
      ["maxIdempotencyKeys"],
      "must be at least 1",
      "memory store options",
    );
  }
  const state = createState(maxIdempotencyKeys);
  return defineStore({
    name: "memory",
    capabilities: { crossProcess: false, durable: false },
    methods: {
      ...definitionMethods(state),
      ...eventMethods(state),
      ...logMethods(state),
      ...accountMethods(state),
    },
    close: () => {},
  });
}
