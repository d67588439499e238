import { memoryStore } from "@abkit/memory";
import { describe, expect, it, vi } from "vitest";
import { newEngine, promptExperiment } from "./fixtures.js";

const key = "math-bot-system-prompt-v2";

describe("definitions shared by engines on one store", () => {
  it("shows a change made by another engine within one second", async () => {
    const store = memoryStore();
    const writer = newEngine(store);
    const reader = newEngine(store);
    await writer.experiments.create(promptExperiment());
    expect((await reader.evaluate({ experimentKey: key, entityId: "u1" })).reason).toBe(
      "not_running",
    );

    await writer.experiments.start(key);
    const startedAt = Date.now();
    let seenAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - startedAt < 1500) {
      if ((await reader.evaluate({ experimentKey: key, entityId: "u1" })).variantKey !== null) {
        seenAfter = Date.now() - startedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seenAfter).toBeLessThanOrEqual(1000 + 50);
    expect((await reader.experiments.get(key))?.status).toBe("running");
  });

  it("sees its own writes at once", async () => {
    const abkit = newEngine();
    await abkit.experiments.create(promptExperiment());
    await abkit.experiments.start(key);
    expect(
      (await abkit.evaluate({ experimentKey: key, entityId: "u1" })).variantKey,
    ).not.toBeNull();
  });

  it("serves evaluations from memory: one version check per interval, no reload when unchanged", async () => {
    const store = memoryStore();
    const writer = newEngine(store);
    await writer.experiments.create(promptExperiment());
    await writer.experiments.start(key);
    const reader = newEngine(store, { refreshIntervalMs: 60_000 });
    const loads = vi.spyOn(store, "loadDefinitions");
    const checks = vi.spyOn(store, "definitionsVersion");
    for (let i = 0; i < 1000; i++) await reader.evaluate({ experimentKey: key, entityId: `u${i}` });
    expect(loads).toHaveBeenCalledTimes(1);
    expect(checks).toHaveBeenCalledTimes(0);
  });

  it("reloads only when the version moved", async () => {
    const store = memoryStore();
    const writer = newEngine(store);
    await writer.experiments.create(promptExperiment());
    const reader = newEngine(store, { refreshIntervalMs: 0 });
    await reader.evaluate({ experimentKey: key, entityId: "u" });
    const loads = vi.spyOn(store, "loadDefinitions");
    await reader.evaluate({ experimentKey: key, entityId: "u" });
    expect(loads).toHaveBeenCalledTimes(0);
    await writer.experiments.update(key, { name: "renamed" });
    loads.mockClear();
    await reader.evaluate({ experimentKey: key, entityId: "u" });
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it("retries a read-modify-write that raced with another engine", async () => {
    const store = memoryStore();
    const a = newEngine(store);
    const b = newEngine(store);
    await a.experiments.create(promptExperiment());
    // Both update at once from the same revision; optimistic concurrency keeps both changes.
    await Promise.all([
      a.experiments.update(key, { name: "from a" }),
      b.experiments.update(key, { coverage: 0.5 }),
    ]);
    const final = await newEngine(store).experiments.get(key);
    expect(final).toMatchObject({ revision: 3 });
    expect(final?.coverage === 0.5 && final?.name === "from a").toBe(true);
  });

  it("follows a store whose version went back (writes lost in a failover), and its next writes", async () => {
    // One store before a failover (create + start: version 2), the promoted replica that
    // lost the start (version 1), behind one object the engine holds.
    const [before, replica] = [memoryStore(), memoryStore()];
    await newEngine(before).experiments.create(promptExperiment());
    await newEngine(before).experiments.start(key);
    const replicaWriter = newEngine(replica);
    await replicaWriter.experiments.create(promptExperiment({ name: "on the replica" }));
    let current = before;
    const failover = new Proxy(before, {
      get: (_target, name) => {
        const value = Reflect.get(current, name);
        return typeof value === "function" ? value.bind(current) : value;
      },
    });
    const reader = newEngine(failover, { refreshIntervalMs: 0 });
    expect((await reader.experiments.get(key))?.status).toBe("running");

    current = replica;
    const afterFailover = await reader.experiments.get(key);
    expect(afterFailover?.status).toBe("draft");
    expect(afterFailover?.name).toBe("on the replica");
    // The replica's next write takes version 2 again: a reader must not keep the lost one.
    await replicaWriter.experiments.update(key, { name: "renamed" });
    expect((await reader.experiments.get(key))?.name).toBe("renamed");
  });
});
