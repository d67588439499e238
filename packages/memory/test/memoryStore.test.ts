import { type EventRecord, newId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { memoryStore } from "../src/index.js";

const project = "default";

function event(entityId: string, value: number, idempotencyKey: string | null = null): EventRecord {
  return {
    id: newId("evt"),
    entityId,
    metricName: "output_tokens",
    value,
    idempotencyKey,
    timestamp: new Date().toISOString(),
    experimentIds: ["exp_1"],
  };
}

async function storeWithAssignments() {
  const store = memoryStore();
  const assignedAt = new Date().toISOString();
  await store.recordAssignments([
    {
      projectId: project,
      experimentId: "exp_1",
      entityId: "u1",
      variantKey: "control",
      assignedAt,
    },
    {
      projectId: project,
      experimentId: "exp_1",
      entityId: "u2",
      variantKey: "control",
      assignedAt,
    },
    {
      projectId: project,
      experimentId: "exp_1",
      entityId: "u3",
      variantKey: "treatment",
      assignedAt,
    },
  ]);
  return store;
}

describe("memoryStore", () => {
  it("keeps the first assignment and counts it once as an exposure", async () => {
    const store = await storeWithAssignments();
    const again = await store.recordAssignments([
      {
        projectId: project,
        experimentId: "exp_1",
        entityId: "u1",
        variantKey: "treatment",
        assignedAt: "",
      },
    ]);
    expect(again).toEqual(["control"]);
    expect((await store.readAggregates(project, "exp_1")).exposures).toEqual({
      control: 2,
      treatment: 1,
    });
  });

  it("dedups idempotency keys across and within batches", async () => {
    const store = await storeWithAssignments();
    expect(
      await store.applyEvents(project, [
        event("u1", 1, "k1"),
        event("u1", 1, "k1"),
        event("u2", 1, "k2"),
      ]),
    ).toEqual({
      accepted: 2,
      deduped: 1,
    });
    expect(await store.applyEvents(project, [event("u1", 1, "k1"), event("u1", 1)])).toEqual({
      accepted: 1,
      deduped: 1,
    });
    // The same key in another project is another event.
    expect(await store.applyEvents("other", [event("u1", 1, "k1")])).toEqual({
      accepted: 1,
      deduped: 0,
    });
  });

  it("keeps per-entity sums of squares exact across batches", async () => {
    const store = await storeWithAssignments();
    await store.applyEvents(project, [event("u1", 3), event("u2", 5), event("u3", 2)]);
    await store.applyEvents(project, [event("u1", 4), event("u3", 2), event("unassigned", 100)]);
    const { metrics } = await store.readAggregates(project, "exp_1");
    // control: u1 totals 7, u2 totals 5 -> sum 12, squares 49 + 25; treatment: u3 totals 4.
    expect(metrics.output_tokens).toEqual({
      control: { events: 3, sum: 12, sumSquares: 74, entities: 2 },
      treatment: { events: 2, sum: 4, sumSquares: 16, entities: 1 },
    });
  });

  it("reads empty aggregates for an experiment with no data", async () => {
    expect(await memoryStore().readAggregates(project, "exp_none")).toEqual({
      exposures: {},
      metrics: {},
    });
  });

  it("rejects a batch with a non-finite value and applies none of it", async () => {
    const store = await storeWithAssignments();
    await expect(
      store.applyEvents(project, [event("u1", 1, "a"), event("u1", Number.NaN)]),
    ).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect(await store.applyEvents(project, [event("u1", 1, "a")])).toEqual({
      accepted: 1,
      deduped: 0,
    });
  });

  it("pages logs newest first", async () => {
    const store = memoryStore();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = newId("log");
      ids.push(id);
      await store.appendLog({
        id,
        projectId: project,
        experimentId: "exp_1",
        variantKey: "A",
        input: { i },
        output: null,
        metrics: { latency_ms: i },
        context: null,
        createdAt: new Date().toISOString(),
      });
    }
    const first = await store.listLogs(project, "exp_1", { limit: 2 });
    expect(first.logs.map((log) => log.id)).toEqual([ids[4], ids[3]]);
    const second = await store.listLogs(project, "exp_1", {
      limit: 2,
      before: first.nextCursor ?? undefined,
    });
    expect(second.logs.map((log) => log.id)).toEqual([ids[2], ids[1]]);
    const last = await store.listLogs(project, "exp_1", {
      limit: 2,
      before: second.nextCursor ?? undefined,
    });
    expect(last).toMatchObject({ nextCursor: null });
    expect(last.logs.map((log) => log.id)).toEqual([ids[0]]);
  });

  it("enforces revisions on definitions and bumps the version", async () => {
    const store = memoryStore();
    const segment = {
      id: newId("seg"),
      projectId: project,
      key: "es",
      name: "es",
      description: "",
      condition: { country: "ES" },
      revision: 1,
      createdAt: "",
      updatedAt: "",
    };
    expect(await store.putDefinition("segment", segment, 0)).toBe(1);
    await expect(store.putDefinition("segment", segment, 0)).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      store.putDefinition("segment", { ...segment, revision: 3 }, 2),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await store.putDefinition("segment", { ...segment, revision: 2 }, 1)).toBe(2);
    expect(await store.definitionsVersion("elsewhere")).toBe(0);
    expect((await store.loadDefinitions(project)).segments).toHaveLength(1);
    expect((await store.loadDefinitions("elsewhere")).segments).toHaveLength(0);
    await expect(store.deleteDefinition("segment", project, "es", 1)).rejects.toMatchObject({
      code: "conflict",
    });
    expect(await store.deleteDefinition("segment", project, "es", 2)).toBe(3);
    await expect(store.deleteDefinition("segment", project, "es", 2)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("stores API keys by hash and revokes them", async () => {
    const store = memoryStore();
    const record = {
      id: newId("key"),
      organizationId: "acme",
      projectId: project,
      name: "server",
      scopes: ["sdk" as const],
      prefix: "ak_live_abcd",
      hash: "f".repeat(64),
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    await store.createApiKey(record);
    await expect(store.createApiKey(record)).rejects.toMatchObject({ code: "conflict" });
    expect(await store.findApiKeyByHash(record.hash)).toEqual(record);
    expect(await store.listApiKeys("other-org")).toEqual([]);
    expect(await store.revokeApiKey(record.id, "2026-01-01T00:00:00.000Z")).toBe(true);
    expect((await store.findApiKeyByHash(record.hash))?.revokedAt).toBe("2026-01-01T00:00:00.000Z");
    expect(await store.revokeApiKey("key_missing", "")).toBe(false);
  });

  it("never shares objects with its callers", async () => {
    const store = memoryStore();
    await store.createProject({ id: "p", organizationId: "acme", name: "P", createdAt: "" });
    const read = await store.getProject("p");
    if (read) read.name = "changed";
    expect((await store.getProject("p"))?.name).toBe("P");
  });

  it("fails every call after close", async () => {
    const store = memoryStore();
    await store.close();
    await expect(store.definitionsVersion(project)).rejects.toMatchObject({
      code: "store_unavailable",
    });
  });
});
