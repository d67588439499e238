import { randomUUID } from "node:crypto";
import type { Store } from "@abkit/core";
import { runStoreContract } from "@abkit/store-tests";
import { MongoClient } from "mongodb";
import { afterAll, it } from "vitest";
import { mongodbStore } from "../src/index.js";

// The conformance suite against a real server: a replica set (one node is enough) or mongos,
// MONGODB_URL=mongodb://127.0.0.1:27017/?replicaSet=rs0 (a standalone server is refused).
const url = process.env.MONGODB_URL;
const SKIPPED =
  "MongoDB conformance suite skipped: set MONGODB_URL to run it against a real server";

if (url) {
  // Each store gets its own database, dropped after its test; children open the same one.
  const dbNames = new WeakMap<Store, string>();
  const admin = new MongoClient(url);
  afterAll(() => admin.close());

  runStoreContract("mongodb", {
    async create() {
      const dbName = `abkit_test_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
      const store = mongodbStore({ url, dbName });
      dbNames.set(store, dbName);
      return store;
    },
    childSpec: (store) => ({
      module: new URL("../src/index.ts", import.meta.url).href,
      exportName: "mongodbStore",
      args: [{ url, dbName: dbNames.get(store) }],
    }),
    async destroy(store) {
      const dbName = dbNames.get(store);
      if (dbName) await admin.db(dbName).dropDatabase();
    },
  });
} else {
  console.warn(SKIPPED);
  it.skip(SKIPPED, () => {});
}
