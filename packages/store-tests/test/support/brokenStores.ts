// Factories for the child-process runner's failure paths (see ../spawn.test.ts).

/** Fails while opening, as a store whose backend cannot be reached would. */
export function unreachableStore(reason: string): never {
  throw new Error(`cannot open the backend: ${reason}`);
}

/** Opens, then fails the first write with an error carrying a code. */
export function failingStore() {
  const fail = async () => {
    throw Object.assign(new Error("disk full"), { code: "store_unavailable" });
  };
  return {
    name: "failing",
    capabilities: { crossProcess: true, durable: false },
    definitionsVersion: async () => 0,
    applyEvents: fail,
    close: async () => {},
  };
}

/** Opens, then never answers a write (while holding a handle, like a stuck connection). */
export function hangingStore() {
  return { ...failingStore(), applyEvents: () => new Promise(() => setInterval(() => {}, 1000)) };
}

/** Opens, then never settles a write, with nothing left for Node to wait on. */
export function unsettledStore() {
  return { ...failingStore(), applyEvents: () => new Promise(() => {}) };
}
