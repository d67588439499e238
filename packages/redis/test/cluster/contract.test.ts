import type { Store } from "@abkit/core";
import { runStoreContract } from "@abkit/store-tests";
import { ulid } from "ulid";
import { redisStore } from "../../src/index.js";
import { deleteClusterKeys, describeWithCluster } from "./sharedCluster.js";

// The whole contract on a real 3-master cluster: each test has its own key prefix, and
// the cross-process cases' children open the same cluster URL and prefix.
const prefixes = new WeakMap<Store, string>();

describeWithCluster("redis store on a Redis Cluster", (cluster) => {
  runStoreContract("redis-cluster", {
    async create() {
      const prefix = `abkit-test:${ulid()}:`;
      const store = redisStore({ url: cluster.url, prefix });
      prefixes.set(store, prefix);
      return store;
    },
    childSpec: (store) => ({
      module: new URL("../../src/index.ts", import.meta.url).href,
      exportName: "redisStore",
      args: [{ url: cluster.url, prefix: prefixes.get(store) }],
    }),
    async destroy(store) {
      const prefix = prefixes.get(store);
      if (prefix) await deleteClusterKeys(cluster.ports, prefix);
    },
  });
});
