import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "@abkit/core";
import { runStoreContract } from "@abkit/store-tests";
import { sqliteStore } from "../src/index.js";

// Each store gets its own file in a temp dir; children open the same file (real processes).
const paths = new WeakMap<Store, string>();

runStoreContract("sqlite", {
  async create() {
    const path = join(mkdtempSync(join(tmpdir(), "abkit-contract-")), "abkit.db");
    const store = sqliteStore({ path });
    paths.set(store, path);
    return store;
  },
  childSpec: (store) => ({
    module: new URL("../src/index.ts", import.meta.url).href,
    exportName: "sqliteStore",
    args: [{ path: paths.get(store) }],
  }),
  async destroy(store) {
    const path = paths.get(store);
    if (path) rmSync(join(path, ".."), { recursive: true, force: true });
  },
});
