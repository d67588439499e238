import { runStoreContract } from "@abkit/store-tests";
import { memoryStore } from "../src/index.js";

// The memory store lives in one process: the cross-process cases skip themselves (no childSpec).
runStoreContract("memory", { create: async () => memoryStore() });
