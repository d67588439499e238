import { describe, expect, it } from "vitest";
import { mongodbStore } from "../src/index.js";

describe("mongodb store without a server", () => {
  it("rejects calls with store_unavailable within the selection timeout, and closes", async () => {
    const store = mongodbStore({ url: "mongodb://127.0.0.1:1/abkit?serverSelectionTimeoutMS=200" });
    expect(store.name).toBe("mongodb");
    expect(store.capabilities).toEqual({ crossProcess: true, durable: true });
    const started = Date.now();
    const calls = [
      store.definitionsVersion("p"),
      store.getAssignment("p", "exp_1", "u1"),
      store.applyEvents("p", []),
      store.getProject("p"),
    ];
    for (const call of calls) {
      await expect(call).rejects.toMatchObject({
        code: "store_unavailable",
        message: expect.stringContaining("no server could be selected"),
      });
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    // The next call tries to open again (and fails the same way).
    await expect(store.listProjects("acme")).rejects.toMatchObject({ code: "store_unavailable" });
    await store.close();
    await store.close(); // harmless twice
    await expect(store.getProject("p")).rejects.toMatchObject({
      code: "store_unavailable",
      message: "mongodb store: the store is closed",
    });
  }, 10_000);

  it("checks events, assignments and entity-total requests before it needs the server", async () => {
    const store = mongodbStore({ url: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200" });
    const event = {
      id: "evt_1",
      entityId: "u1",
      metricName: "m",
      value: Number.NaN,
      idempotencyKey: null,
      timestamp: "2026-01-02T03:04:05.678Z",
      experimentIds: [],
    };
    await expect(store.applyEvents("p", [event])).rejects.toMatchObject({
      code: "validation_failed",
    });
    const assignment = {
      projectId: "p",
      experimentId: "exp_1",
      entityId: "u1",
      variantKey: "A",
      assignedAt: "2026-01-02T03:04:05.678Z",
      covariates: { past_orders: Number.POSITIVE_INFINITY },
    };
    await expect(store.recordAssignments([assignment])).rejects.toMatchObject({
      code: "validation_failed",
    });
    const request = { entityId: "u1", metrics: ["m"], fromDay: "2026-01-02", toDay: "2026-01-01" };
    await expect(store.readEntityTotals("p", [request])).rejects.toMatchObject({
      code: "validation_failed",
    });
    await store.close();
  });

  it("closes at once, even while still trying to connect", async () => {
    const store = mongodbStore({ url: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=30000" });
    const started = Date.now();
    const pending = store.getProject("p");
    await store.close();
    await expect(pending).rejects.toMatchObject({ code: "store_unavailable" });
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 10_000);
});
