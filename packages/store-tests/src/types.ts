import type { Store } from "@abkit/core";

/** The groups of the conformance suite; each can be switched off with `disable`. */
export type ContractGroup =
  | "definitions"
  | "assignments"
  | "events"
  | "logs"
  | "scores"
  | "accounts"
  | "isolation"
  | "methods"
  | "faults"
  | "largeBatches"
  | "crossProcess"
  | "bounds"
  | "planner";

/** Every group, in the order `runStoreContract` registers them. */
export const CONTRACT_GROUPS: readonly ContractGroup[] = [
  "definitions",
  "assignments",
  "events",
  "logs",
  "scores",
  "accounts",
  "isolation",
  "methods",
  "faults",
  "largeBatches",
  "crossProcess",
  "bounds",
  "planner",
];

/**
 * How another process opens the same backend as a store this harness created.
 *
 * @example
 * const spec: ChildStoreSpec = {
 *   module: new URL("../src/index.ts", import.meta.url).href,
 *   exportName: "sqliteStore",
 *   args: [{ path: "/tmp/abkit-test-1.db" }],
 * };
 */
export interface ChildStoreSpec {
  /** Absolute file URL or path of an ESM/TS module (loaded through tsx, with the "@abkit/source" condition). */
  module: string;
  /** The factory export to call, e.g. "sqliteStore". */
  exportName: string;
  /** JSON-serialisable arguments for the factory. */
  args: unknown[];
}

/**
 * What the suite needs from a store package: fresh stores, and optionally how to open one
 * from another process and how to clean up after it.
 *
 * @example
 * const harness: StoreHarness = { create: async () => memoryStore() };
 */
export interface StoreHarness {
  /** A fresh, empty store (a new temp file, a new key prefix...). */
  create(): Promise<Store>;
  /** For a store made by create(): how a child process opens the same backend. Omit when the store cannot be shared between processes. */
  childSpec?(store: Store): ChildStoreSpec;
  /** Called after each test with the store (already closed by the suite); delete files/keys here. */
  destroy?(store: Store): Promise<void>;
}

/** Options of `runStoreContract`. */
export interface StoreContractOptions {
  /** Groups not to register, e.g. `["crossProcess"]` for a store bound to one process. */
  disable?: ContractGroup[];
}
