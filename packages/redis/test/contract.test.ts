import type { Store } from "@abkit/core";
import { runStoreContract } from "@abkit/store-tests";
import { ulid } from "ulid";
import { redisStore } from "../src/index.js";
import { deleteKeys, describeWithRedis, REDIS_URL } from "./redisServer.js";

// Each store gets its own key prefix on the real server; children open the same prefix.
const prefixes = new WeakMap<Store, string>();

describeWithRedis("redis store", () => {
  runStoreContract("redis", {
    async create() {
      const prefix = `abkit-test:${ulid()}:`;
      const store = redisStore({ url: REDIS_URL, prefix });
      prefixes.set(store, prefix);
      return store;
    },
    childSpec: (store) => ({
      module: new URL("../src/index.ts", import.meta.url).href,
      exportName: "redisStore",
      args: [{ url: REDIS_URL, prefix: prefixes.get(store) }],
    }),
    async destroy(store) {
      const prefix = prefixes.get(store);
      if (prefix) await deleteKeys(prefix);
    },
  });
});
