import { createAbkit, createApiKey } from "@abkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The Redis package's test cluster: 6 redis-server processes on free ports, stopped after.
import {
  clusterUnavailable,
  type RedisCluster,
  startRedisCluster,
} from "../../redis/test/cluster/redisCluster.js";
import { runCli } from "../src/main.js";
import { openStore } from "../src/openStore.js";
import { captureContext } from "./helpers.js";

const missing = clusterUnavailable();

describe.skipIf(missing !== null)(
  `redis-cluster:// store URLs${missing ? ` (skipped: ${missing})` : ""}`,
  () => {
    let cluster: RedisCluster;
    beforeAll(async () => {
      cluster = await startRedisCluster();
    });
    afterAll(() => cluster?.stop());

    it("openStore opens the cluster with the prefix it is given", async () => {
      const store = await openStore(cluster.url, { redisPrefix: "cli-test:" });
      try {
        expect(store.name).toBe("redis");
        const { record } = await createApiKey(store, {
          organizationId: "acme",
          projectId: "web",
          scopes: ["admin"],
        });
        expect((await store.listApiKeys("acme")).map((key) => key.id)).toEqual([record.id]);
      } finally {
        await store.close();
      }
      // The keys are under that prefix, not the default one.
      const plain = await openStore(cluster.url);
      try {
        expect(await plain.listApiKeys("acme")).toEqual([]);
      } finally {
        await plain.close();
      }
    });

    it("runs keys create, keys list and experiments list against the cluster", async () => {
      const store = await openStore(cluster.url);
      const abkit = createAbkit({ store });
      await abkit.experiments.create({
        key: "checkout-button",
        variants: [
          { key: "blue", weight: 50 },
          { key: "green", weight: 50 },
        ],
      });
      await abkit.close();
      await store.close();

      const created = captureContext();
      expect(
        await runCli(["keys", "create", "--name", "ci", "--store", cluster.url], created),
      ).toBe(0);
      const listedKeys = captureContext();
      expect(await runCli(["keys", "list", "--store", cluster.url], listedKeys)).toBe(0);
      expect(listedKeys.stdout.join("\n")).toContain("ci");
      const listed = captureContext();
      expect(await runCli(["experiments", "list", "--store", cluster.url], listed)).toBe(0);
      expect(listed.stdout.join("\n")).toMatch(/checkout-button +draft +blue 50%, green 50%/);
    });

    it("fails a command with store_unavailable when no seed node answers", async () => {
      const ctx = captureContext();
      expect(
        await runCli(["keys", "list", "--store", "redis-cluster://127.0.0.1:1,127.0.0.1:2/"], ctx),
      ).toBe(1);
      expect(ctx.stderr.join("\n")).toMatch(/^error \[store_unavailable\]: redis store: /);
    });
  },
);
