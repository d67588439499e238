import type { Store } from "@abkit/core";
import { runStoreContract } from "@abkit/store-tests";
import { afterAll } from "vitest";
import { postgresStore } from "../src/index.js";
import {
  adminPool,
  dropSchema,
  freshSchema,
  POSTGRES_URL,
  serverAnswers,
} from "./fixtures/server.js";

// The conformance suite against the real server. Each store gets its own schema, dropped
// after its test; children open the same one (real processes racing on the same rows).
if (await serverAnswers("contract")) {
  const schemas = new WeakMap<Store, string>();
  const admin = adminPool();
  afterAll(() => admin.end());

  runStoreContract("postgres", {
    async create() {
      const schema = freshSchema();
      const store = postgresStore({ url: POSTGRES_URL }, { schema, poolSize: 4 });
      schemas.set(store, schema);
      return store;
    },
    childSpec: (store) => ({
      module: new URL("../src/index.ts", import.meta.url).href,
      exportName: "postgresStore",
      args: [{ url: POSTGRES_URL }, { schema: schemas.get(store), poolSize: 2 }],
    }),
    async destroy(store) {
      const schema = schemas.get(store);
      if (schema) await dropSchema(admin, schema);
    },
  });
}
