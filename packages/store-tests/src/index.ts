/**
 * @abkit/store-tests: the conformance suite every abkit `Store` must pass. A store package
 * runs it from one small vitest file against its real backend; a store is done when the
 * whole suite passes there, in CI. See docs/stores.md.
 */
import { describe } from "vitest";
import { accountsContract } from "./accounts.js";
import { assignmentsContract } from "./assignments.js";
import { boundsContract } from "./bounds.js";
import { closeContract } from "./close.js";
import { crossProcessContract } from "./crossProcess.js";
import { definitionsContract } from "./definitions.js";
import { eventsContract } from "./events.js";
import { faultsContract } from "./faults.js";
import { isolationContract } from "./isolation.js";
import { largeBatchesContract } from "./largeBatches.js";
import { logsContract } from "./logs.js";
import { methodsContract } from "./methods.js";
import { plannerContract } from "./planner.js";
import { scoresContract } from "./scores.js";
import {
  CONTRACT_GROUPS,
  type ContractGroup,
  type StoreContractOptions,
  type StoreHarness,
} from "./types.js";

export { accountsContract } from "./accounts.js";
export { assignmentsContract } from "./assignments.js";
export { boundsContract } from "./bounds.js";
export { closeContract } from "./close.js";
export { crossProcessContract } from "./crossProcess.js";
export { definitionsContract } from "./definitions.js";
export { eventsContract } from "./events.js";
export { seededRandom } from "./expected.js";
export { faultsContract } from "./faults.js";
export type { Fault, FaultControl, FaultyStore, StoreMethod } from "./faultyStore.js";
export { backendBlip, faultyStore } from "./faultyStore.js";
export type { StoreUnderTest } from "./harness.js";
export { expectCode, useStore } from "./harness.js";
export { isolationContract } from "./isolation.js";
export { killMidIngest } from "./killMidIngest.js";
export { largeBatchesContract } from "./largeBatches.js";
export { logsContract } from "./logs.js";
export { methodsContract } from "./methods.js";
export { plannerContract } from "./planner.js";
export type { PlannerModel } from "./plannerModel.js";
export { plannerModel } from "./plannerModel.js";
export { scoresContract } from "./scores.js";
export type { ChildStoreSpec, ContractGroup, StoreContractOptions, StoreHarness } from "./types.js";
export { CONTRACT_GROUPS } from "./types.js";

const GROUPS: Record<ContractGroup, (harness: StoreHarness) => void> = {
  definitions: definitionsContract,
  assignments: assignmentsContract,
  events: eventsContract,
  logs: logsContract,
  scores: scoresContract,
  accounts: accountsContract,
  isolation: isolationContract,
  methods: methodsContract,
  faults: faultsContract,
  largeBatches: largeBatchesContract,
  crossProcess: crossProcessContract,
  bounds: boundsContract,
  planner: plannerContract,
};

/**
 * Registers the whole conformance suite for a store, in a `describe` named after it: every
 * group except those in `options.disable`, and the close checks. Call it at the top level
 * of a vitest test file.
 *
 * @example
 * // packages/memory/test/contract.test.ts
 * import { runStoreContract } from "@abkit/store-tests";
 * import { memoryStore } from "../src/index.js";
 *
 * runStoreContract("memory", { create: async () => memoryStore() });
 */
export function runStoreContract(
  name: string,
  harness: StoreHarness,
  options: StoreContractOptions = {},
): void {
  const disabled = new Set(options.disable ?? []);
  describe(`store contract: ${name}`, () => {
    for (const group of CONTRACT_GROUPS) {
      if (!disabled.has(group)) GROUPS[group](harness);
    }
    closeContract(harness);
  });
}
