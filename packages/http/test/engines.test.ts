import { createAbkit, createApiKey, isAbkitError, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EnginePool } from "../src/engines.js";
import { createAbkitHandler, jsonLogger } from "../src/index.js";

const logger = jsonLogger({ level: "silent" });
const PROJECTS = Array.from({ length: 12 }, (_, i) => `p${i}`);

async function seed(store: Store): Promise<void> {
  for (const project of PROJECTS) {
    await store.createProject({
      id: project,
      organizationId: "acme",
      name: project,
      createdAt: new Date().toISOString(),
    });
    const abkit = createAbkit({ store, project, banditCheckMs: 0 });
    await abkit.experiments.create({
      key: "copy",
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
    });
    await abkit.experiments.start("copy");
    await abkit.close();
  }
}

/** Intervals (the engines' bandit and autopilot timers) started and not yet cleared. */
function countIntervals() {
  const live = new Set<unknown>();
  const set = vi.spyOn(globalThis, "setInterval");
  const clear = vi.spyOn(globalThis, "clearInterval");
  set.mockImplementation(((...args: Parameters<typeof setInterval>) => {
    const timer = setIntervalOriginal(...args);
    live.add(timer);
    return timer;
  }) as typeof setInterval);
  clear.mockImplementation(((timer: Parameters<typeof clearInterval>[0]) => {
    live.delete(timer);
    clearIntervalOriginal(timer);
  }) as typeof clearInterval);
  return live;
}
const setIntervalOriginal = globalThis.setInterval;
// Each engine checks bandits and autopilot policies on its own timer.
const TIMERS_PER_ENGINE = 2;
const clearIntervalOriginal = globalThis.clearInterval;

afterEach(() => vi.restoreAllMocks());

describe("EnginePool", () => {
  it("closes the least recently used idle engine beyond its bound, writing its queued assignments", async () => {
    const store = memoryStore();
    await seed(store);
    const pool = new EnginePool({
      store,
      refreshIntervalMs: 1000,
      maxProjects: 2,
      assignmentCacheSize: 100,
      logger,
    });
    const first = pool.acquire("p0");
    const { variantKey } = await first.engine.evaluate({ experimentKey: "copy", entityId: "u1" });
    first.release();
    for (const project of ["p1", "p2"]) pool.acquire(project).release();
    expect(pool.size).toBe(2);
    await pool.evicted();
    // p0's engine was closed: after its flush, its write-behind queue and timers are gone.
    const closed = await first.engine.evaluate({ experimentKey: "copy", entityId: "u2" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isAbkitError(closed) && closed.code).toBe("closed");
    const experiment = (await store.loadDefinitions("p0")).experiments[0]!;
    expect(await store.getAssignment("p0", experiment.id, "u1")).toBe(variantKey);

    // A request for the evicted project gets a new engine, and the entity keeps its variant.
    const again = pool.acquire("p0");
    expect(again.engine).not.toBe(first.engine);
    expect(
      (await again.engine.evaluate({ experimentKey: "copy", entityId: "u1" })).variantKey,
    ).toBe(variantKey);
    again.release();
    await pool.close();
  });

  it("never closes an engine a request still holds; evicts it once released", async () => {
    const store = memoryStore();
    await seed(store);
    const pool = new EnginePool({
      store,
      refreshIntervalMs: 1000,
      maxProjects: 1,
      assignmentCacheSize: 100,
      logger,
    });
    const held = pool.acquire("p0");
    pool.acquire("p1").release();
    pool.acquire("p2").release();
    expect(
      (await held.engine.evaluate({ experimentKey: "copy", entityId: "u" })).variantKey,
    ).not.toBeNull();
    held.release();
    expect(pool.size).toBe(1);
    await pool.close();
  });
});

describe("the handler's engines", () => {
  it("stay bounded over many projects: at most maxProjects engines' timers live, every request answered", async () => {
    const store = memoryStore();
    await seed(store);
    const { plaintext } = await createApiKey(store, {
      organizationId: "acme",
      projectId: "p0",
      scopes: ["sdk"],
    });
    const live = countIntervals();
    const api = createAbkitHandler({ store, maxProjects: 3, logger: false });
    const variants = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (const project of PROJECTS) {
        const response = await api.handle(
          new Request("http://abkit.test/api/v1/experiments/evaluate", {
            method: "POST",
            headers: { "X-Api-Key": plaintext, "Content-Type": "application/json" },
            body: JSON.stringify({
              experimentKey: "copy",
              entityId: "user_1",
              project_id: project,
            }),
          }),
        );
        expect(response.status).toBe(200);
        const { variantKey } = (await response.json()) as { variantKey: string };
        if (round === 0) variants.set(project, variantKey);
        else expect(variantKey).toBe(variants.get(project));
        expect(live.size).toBeLessThanOrEqual(3 * TIMERS_PER_ENGINE);
      }
    }
    await api.close();
    expect(live.size).toBe(0);
  });
});
