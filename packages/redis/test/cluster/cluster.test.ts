import { createApiKey, type Store } from "@abkit/core";
import { eventsContract } from "@abkit/store-tests";
import { Cluster } from "ioredis";
import { ulid } from "ulid";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { redisStore } from "../../src/index.js";
import { connect } from "./redisCluster.js";
import { deleteClusterKeys, describeWithCluster } from "./sharedCluster.js";
import { mastersOf, slotOwner } from "./topology.js";

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describeWithCluster("redis store on a Redis Cluster", (cluster) => {
  const prefix = `abkit-test:${ulid()}:`;
  afterAll(() => deleteClusterKeys(cluster.ports, prefix));
  const open = (options: { waitReplicas?: number; timeoutMs?: number } = {}) => {
    const store = redisStore({ url: cluster.url, prefix, ...options });
    opened.push(store);
    return store;
  };

  it("spreads projects over every master, each project's keys in its own slot", async () => {
    const store = open();
    const projects = Array.from({ length: 30 }, (_, i) => `spread-${i}`);
    for (const projectId of projects) {
      await store.recordAssignments([
        { projectId, experimentId: "exp_1", entityId: "u1", variantKey: "A", assignedAt: "" },
      ]);
      await store.applyEvents(projectId, [
        {
          id: `evt_${ulid()}`,
          entityId: "u1",
          metricName: "clicks",
          value: 1,
          idempotencyKey: "k1",
          timestamp: new Date().toISOString(),
          experimentIds: ["exp_1"],
        },
      ]);
    }
    const masters = await mastersOf(cluster.ports);
    expect(masters).toHaveLength(3);
    const projectsOn = new Map<number, Set<string>>();
    for (const port of masters) {
      const node = connect(port);
      try {
        const keys = await scanAll(node, `${prefix}{spread-*`);
        const here = new Set<string>();
        for (const key of keys) {
          const project = /\{([^}]+)\}/.exec(key.slice(prefix.length))?.[1];
          expect(project).toBeDefined();
          here.add(project!);
          // Every key of a project hashes to the project's slot.
          expect(await node.call("CLUSTER", "KEYSLOT", key)).toBe(
            await node.call("CLUSTER", "KEYSLOT", `{${project}}`),
          );
        }
        projectsOn.set(port, here);
      } finally {
        node.disconnect();
      }
    }
    // Every master holds some projects, and each project lives on exactly one.
    for (const here of projectsOn.values()) expect(here.size).toBeGreaterThan(0);
    const placed = [...projectsOn.values()].flatMap((here) => [...here]);
    expect(placed.sort()).toEqual([...projects].sort());
    // The data reads back through the cluster.
    for (const projectId of projects) {
      expect((await store.readAggregates(projectId, "exp_1")).metrics.clicks?.A?.events).toBe(1);
    }
  });

  it("keeps every account key (projects, API keys, hashes, revocations) in one slot", async () => {
    const store = open();
    for (const organizationId of ["acme", "globex"]) {
      await store.createProject({
        id: `${organizationId}-web`,
        organizationId,
        name: "Web",
        createdAt: new Date().toISOString(),
      });
      const { record } = await createApiKey(store, {
        organizationId,
        projectId: `${organizationId}-web`,
        scopes: ["admin"],
      });
      expect(await store.revokeApiKey(record.id, new Date().toISOString())).toBe(true);
    }
    const slots = new Set<unknown>();
    for (const port of await mastersOf(cluster.ports)) {
      const node = connect(port);
      try {
        for (const key of await scanAll(node, `${prefix}{accounts}*`)) {
          slots.add(await node.call("CLUSTER", "KEYSLOT", key));
        }
      } finally {
        node.disconnect();
      }
    }
    expect(slots.size).toBe(1);
    expect(await store.listProjects("acme")).toHaveLength(1);
    expect((await store.listApiKeys("globex"))[0]?.revokedAt).not.toBeNull();
  });

  it("runs its scripts again after every node forgot them (NOSCRIPT on each node)", async () => {
    for (const store of [open(), open({ waitReplicas: 1 })]) {
      const assign = (projectId: string, entityId: string) =>
        store.recordAssignments([
          { projectId, experimentId: "e", entityId, variantKey: "A", assignedAt: "" },
        ]);
      const projects = ["noscript-a", "noscript-b", "noscript-c", "noscript-d", "noscript-e"];
      for (const project of projects) expect(await assign(project, `u-${ulid()}`)).toEqual(["A"]);
      for (const port of cluster.ports) {
        const node = connect(port);
        await node.script("FLUSH");
        node.disconnect();
      }
      for (const project of projects) expect(await assign(project, `v-${ulid()}`)).toEqual(["A"]);
    }
  });

  it("uses a Cluster client it is given, and leaves it open on close", async () => {
    const [first] = cluster.ports;
    const client = new Cluster([{ host: "127.0.0.1", port: first! }], { lazyConnect: true });
    try {
      const store = redisStore({ client, prefix });
      await store.createProject({
        id: "given-client",
        organizationId: "initech",
        name: "Given",
        createdAt: new Date().toISOString(),
      });
      await store.close();
      expect(client.status).toBe("ready");
      expect(await client.hexists(`${prefix}{accounts}:projects`, "given-client")).toBe(1);
    } finally {
      client.disconnect();
    }
  });

  it("acknowledges a write with waitReplicas only once the replica holds it", async () => {
    const store = open({ waitReplicas: 1 });
    const projectId = `wait-${ulid()}`;
    await store.recordAssignments([
      { projectId, experimentId: "e", entityId: "u1", variantKey: "B", assignedAt: "" },
    ]);
    // Read the replica of the project's master directly (READONLY): the assignment is there.
    const key = `${prefix}{${projectId}}:asg:e`;
    const { replicas } = await slotOwner(cluster.ports[0]!, key);
    expect(replicas).toHaveLength(1);
    const node = connect(replicas[0]!);
    try {
      await node.call("READONLY");
      expect(await node.hget(key, "u1")).toBe("B");
    } finally {
      node.disconnect();
    }
  });

  it("rejects a write in doubt when fewer replicas than waitReplicas acknowledge it", async () => {
    // Each master has one replica: WAIT 2 can only time out, with the write applied.
    const store = open({ waitReplicas: 2, timeoutMs: 600 });
    const projectId = `doubt-${ulid()}`;
    const error = await store
      .recordAssignments([
        { projectId, experimentId: "e", entityId: "u1", variantKey: "A", assignedAt: "" },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "store_unavailable" });
    expect((error as Error).message).toContain("1 of 2 replicas acknowledged the write");
    expect((error as Error).message).toContain("in doubt");
    expect(await open().getAssignment(projectId, "e", "u1")).toBe("A");
  });

  it("fails within the timeout when no seed node answers, and refuses bad cluster URLs", async () => {
    const store = redisStore({ url: "redis-cluster://127.0.0.1:1,127.0.0.1:2/", timeoutMs: 300 });
    opened.push(store);
    await expect(store.listProjects("acme")).rejects.toMatchObject({
      code: "store_unavailable",
      message: expect.stringContaining("not connected after 300 ms"),
    });
    for (const url of ["redis-cluster://127.0.0.1:7000/0", "redis-cluster://127.0.0.1/"]) {
      expect(() => redisStore({ url })).toThrow(
        expect.objectContaining({ code: "validation_failed" }),
      );
    }
    expect(() => redisStore({ url: cluster.url, prefix: "app:{x}:" })).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });

  // Every write goes through a pipeline with WAIT: the event rules hold there too.
  describe("with waitReplicas: 1", () => {
    const prefixes = new WeakMap<Store, string>();
    eventsContract({
      async create() {
        const own = `abkit-test:${ulid()}:`;
        const store = redisStore({ url: cluster.url, prefix: own, waitReplicas: 1 });
        prefixes.set(store, own);
        return store;
      },
      async destroy(store) {
        await deleteClusterKeys(cluster.ports, prefixes.get(store) ?? "");
      },
    });
  });
});

// --- Internal helpers ---

async function scanAll(node: ReturnType<typeof connect>, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  return keys;
}
