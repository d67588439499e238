import { memoryStore } from "@abkit/memory";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { compileExperiment } from "../../src/engine/evaluation/compileExperiment.js";
import type { Segment, Store } from "../../src/index.js";
import { newEngine, promptExperiment } from "./fixtures.js";

// Counts the per-definition compile work: the engine compiles experiments only here.
vi.mock("../../src/engine/evaluation/compileExperiment.js", async (importOriginal) => {
  const original =
    await importOriginal<typeof import("../../src/engine/evaluation/compileExperiment.js")>();
  return { ...original, compileExperiment: vi.fn(original.compileExperiment) };
});
const compiled = vi.mocked(compileExperiment);

const SEGMENTS = 10_000;
const EXPERIMENTS = 50;

// 10,000 segments stored directly, and experiments each naming two of them (through the
// engine, so they are real definitions).
async function bigProject() {
  const store = memoryStore();
  const now = new Date().toISOString();
  for (let i = 0; i < SEGMENTS; i++) {
    const segment: Segment = {
      id: `seg_${String(i).padStart(8, "0")}`,
      projectId: "default",
      key: `segment-${i}`,
      name: `segment-${i}`,
      description: "",
      condition: { plan: `plan-${i}` },
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    await store.putDefinition("segment", segment, 0);
  }
  const abkit = newEngine(store);
  for (let i = 0; i < EXPERIMENTS; i++) {
    await abkit.experiments.create(
      promptExperiment({ key: `exp-${i}`, segments: [`segment-${i}`, `segment-${i + 1}`] }),
    );
    await abkit.experiments.start(`exp-${i}`);
  }
  return { store, abkit };
}

describe("a definition write costs the changed definition, not the project", () => {
  let store: Store;
  let abkit: ReturnType<typeof newEngine>;
  // Built once (the memory store's creates are slow at this size); tests touch distinct keys.
  beforeAll(async () => {
    ({ store, abkit } = await bigProject());
  }, 60_000);
  beforeEach(() => {
    compiled.mockClear();
  });
  // Only the store spies: the compile counter stays in place for every test.
  const spies: { mockRestore(): void }[] = [];
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });
  const spy = <T extends { mockRestore(): void }>(made: T): T => {
    spies.push(made);
    return made;
  };

  it("with 10,000 segments, each write compiles only what it touches and reloads nothing", async () => {
    const loads = spy(vi.spyOn(store, "loadDefinitions"));

    // A segment two experiments name: those two are compiled again, nothing else.
    await abkit.segments.update("segment-7", { condition: { plan: "pro" } });
    expect(compiled).toHaveBeenCalledTimes(2);
    expect(compiled.mock.calls.map(([experiment]) => experiment.key).sort()).toEqual([
      "exp-6",
      "exp-7",
    ]);

    // An experiment: itself only. A new segment, a flag, a deletion: nothing to compile.
    compiled.mockClear();
    await abkit.experiments.update("exp-3", { coverage: 0.5 });
    expect(compiled).toHaveBeenCalledTimes(1);
    compiled.mockClear();
    await abkit.segments.create({ key: "fresh", condition: { country: "ES" } });
    await abkit.flags.create({ key: "banner", type: "boolean", defaultValue: false });
    await abkit.flags.update("banner", { enabled: true });
    await abkit.segments.delete("segment-9000");
    expect(compiled).toHaveBeenCalledTimes(0);
    expect(loads).toHaveBeenCalledTimes(0);

    // The engine sees its own writes at once, and so does a fresh one reading the store.
    const spain = { experimentKey: "exp-7", entityId: "u1", properties: { plan: "pro" } };
    expect((await abkit.evaluate(spain)).reason).not.toBe("no_segment_match");
    for (const engine of [abkit, newEngine(store)]) {
      expect((await engine.experiments.get("exp-3"))?.coverage).toBe(0.5);
      expect(await engine.segments.get("segment-9000")).toBeNull();
      expect((await engine.segments.get("fresh"))?.condition).toEqual({ country: "ES" });
      expect((await engine.flags.get("banner"))?.enabled).toBe(true);
      expect((await engine.segments.list()).length).toBe(SEGMENTS);
    }
  });

  it("a reload after another engine's write compiles only the experiments that changed", async () => {
    const reader = newEngine(store, { refreshIntervalMs: 0 });
    await reader.evaluate({ experimentKey: "exp-1", entityId: "u" });
    compiled.mockClear();
    const loads = spy(vi.spyOn(store, "loadDefinitions"));

    await abkit.segments.update("segment-20", { condition: { plan: "team" } });
    await abkit.experiments.update("exp-40", { name: "renamed" });
    compiled.mockClear();
    const seen = await reader.evaluate({
      experimentKey: "exp-20",
      entityId: "u",
      properties: { plan: "team" },
    });
    expect(seen.reason).not.toBe("no_segment_match");
    expect(loads).toHaveBeenCalledTimes(1);
    // exp-19 and exp-20 name segment-20; exp-40 changed itself.
    expect(compiled.mock.calls.map(([experiment]) => experiment.key).sort()).toEqual([
      "exp-19",
      "exp-20",
      "exp-40",
    ]);
    expect((await reader.experiments.get("exp-40"))?.name).toBe("renamed");
  });

  it("a write that raced with another engine's reads the store again, missing nothing", async () => {
    const other = newEngine(store);
    await other.experiments.get("exp-2");
    const put = store.putDefinition.bind(store);
    let raced = false;
    // Just before this engine's write lands, another engine writes another definition.
    spy(vi.spyOn(store, "putDefinition")).mockImplementation(async (kind, record, revision) => {
      if (!raced && record.key === "exp-1") {
        raced = true;
        await other.experiments.update("exp-2", { coverage: 0.25 });
      }
      return put(kind, record, revision);
    });
    const loads = spy(vi.spyOn(store, "loadDefinitions"));
    await abkit.experiments.update("exp-1", { coverage: 0.75 });
    expect(loads).toHaveBeenCalledTimes(1);
    expect((await abkit.experiments.get("exp-1"))?.coverage).toBe(0.75);
    expect((await abkit.experiments.get("exp-2"))?.coverage).toBe(0.25);
  });

  it("concurrent writes of one engine all land, and its snapshot ends at the store's version", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        abkit.experiments.update(`exp-${i + 21}`, { description: `d${i}` }),
      ),
    );
    const fresh = newEngine(store);
    for (let i = 0; i < 20; i++) {
      expect((await abkit.experiments.get(`exp-${i + 21}`))?.description).toBe(`d${i}`);
      expect((await fresh.experiments.get(`exp-${i + 21}`))?.description).toBe(`d${i}`);
    }
  });
});
