import {
  type Abkit,
  type AbkitOptions,
  createAbkit,
  type ExperimentInput,
  type Store,
} from "@abkit/core";
import { describe, expect, it, vi } from "vitest";
import { faultyStore } from "./faultyStore.js";
import { expectCode, useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

/**
 * Every write path of the engine through a store that fails as a backend blip makes it
 * fail (`faultyStore`): assignments (the write-behind, on flush, on a full batch and on
 * its timer), events, logs, definitions and bandit state. The failing call reports
 * `store_unavailable`; once the store answers again nothing the engine accepted is lost or
 * counted twice, and later calls work.
 *
 * @example
 * describe("my store", () => faultsContract({ create: async () => myStore() }));
 */
export function faultsContract(harness: StoreHarness): void {
  describe("engine writes through store faults", () => {
    const ctx = useStore(harness);
    const open = (options: Partial<AbkitOptions> = {}) => {
      const store = faultyStore(ctx.store);
      const abkit = createAbkit({ store, banditCheckMs: 0, flushIntervalMs: 60_000, ...options });
      return { store, abkit };
    };

    it("assignments: the failed flush rejects, the next one writes the kept batch once, later writes proceed", async () => {
      const { store, abkit } = open();
      await start(abkit);
      store.faults.inject({ method: "recordAssignments" });
      const variants = await evaluateAll(abkit, users(0, 10));
      await expectCode(abkit.flush(), "store_unavailable", "the flush whose write failed");
      Object.assign(variants, await evaluateAll(abkit, users(10, 20)));
      await abkit.flush();
      Object.assign(variants, await evaluateAll(abkit, users(20, 25)));
      await abkit.flush();
      await expectStored(ctx.store, abkit, variants);
      await abkit.close();
    });

    it("assignments: down for three calls, then a lost reply: each failed flush reports it, nothing counts twice", async () => {
      const { store, abkit } = open();
      await start(abkit);
      store.faults.inject({ method: "recordAssignments", times: 3 });
      const variants = await evaluateAll(abkit, users(0, 10));
      for (let attempt = 0; attempt < 3; attempt++) {
        await expectCode(abkit.flush(), "store_unavailable", `failed flush ${attempt + 1}`);
      }
      await abkit.flush();
      store.faults.inject({ method: "recordAssignments", phase: "after" });
      Object.assign(variants, await evaluateAll(abkit, users(10, 20)));
      await expectCode(abkit.flush(), "store_unavailable", "the flush whose reply was lost");
      await abkit.flush();
      await expectStored(ctx.store, abkit, variants);
      await abkit.close();
    });

    it("assignments: a failed write on the timer or on a full batch stops nothing", async () => {
      const { store, abkit } = open({ flushIntervalMs: 1, assignmentBatchSize: 4 });
      await start(abkit);
      store.faults.inject({ method: "recordAssignments" });
      const variants = await evaluateAll(abkit, users(0, 2)); // written on the timer
      await vi.waitFor(() => expect(store.faults.failures).toEqual(["recordAssignments"]));
      store.faults.inject({ method: "recordAssignments" });
      Object.assign(variants, await evaluateAll(abkit, users(2, 12))); // full batches
      await vi.waitFor(() => expect(store.faults.failures).toHaveLength(2));
      // This flush writes what the failed writes kept and reports success: its own outcome.
      await abkit.flush();
      Object.assign(variants, await evaluateAll(abkit, users(12, 14)));
      await abkit.flush();
      await expectStored(ctx.store, abkit, variants);
      await abkit.close();
    });

    it("close: a failed close rejects and leaves the engine open; the next close writes everything", async () => {
      const { store, abkit } = open();
      const experiment = await start(abkit);
      store.faults.inject({ method: "recordAssignments" });
      const variants = await evaluateAll(abkit, users(0, 5));
      await expectCode(abkit.close(), "store_unavailable", "the close whose write failed");
      Object.assign(variants, await evaluateAll(abkit, users(5, 8)));
      await abkit.close();
      await expectStoredIn(ctx.store, abkit.project, experiment.id, variants);
    });

    it("track reports only its own failure, never an earlier evaluate's write error", async () => {
      const { store, abkit } = open({ flushIntervalMs: 1 });
      await start(abkit);
      store.faults.inject({ method: "recordAssignments" });
      const variants = await evaluateAll(abkit, ["u1"]);
      await vi.waitFor(() => expect(store.faults.failures).toHaveLength(1));
      expect(await abkit.track([reward("u1", 2, "k1")])).toEqual({ accepted: 1, deduped: 0 });
      // Its assignment was written before its event: the event counts in the experiment.
      expect(await rewardTotals(ctx.store, abkit)).toEqual({ entities: 1, sum: 2 });

      const later = open();
      store.faults.heal();
      later.store.faults.inject({ method: "recordAssignments" });
      Object.assign(variants, await evaluateAll(later.abkit, ["u2"]));
      // Its own flush failed: the event would count nowhere, so track refuses it.
      await expectCode(later.abkit.track([reward("u2", 3, "k2")]), "store_unavailable");
      expect(await later.abkit.track([reward("u2", 3, "k2")])).toEqual({ accepted: 1, deduped: 0 });
      expect(await rewardTotals(ctx.store, abkit)).toEqual({ entities: 2, sum: 5 });
      await expectStored(ctx.store, abkit, variants);
      await abkit.close();
      await later.abkit.close();
    });

    it("events: a failed batch, retried with its idempotency keys, counts once, also when its reply was lost", async () => {
      const { store, abkit } = open();
      await start(abkit);
      await evaluateAll(abkit, users(0, 3));
      await abkit.flush();
      const batch = (round: number) => users(0, 3).map((u) => reward(u, 1, `${round}:${u}`));
      store.faults.inject({ method: "applyEvents" });
      await expectCode(abkit.track(batch(1)), "store_unavailable", "track before the store");
      expect(await abkit.track(batch(1))).toEqual({ accepted: 3, deduped: 0 });
      store.faults.inject({ method: "applyEvents", phase: "after" });
      await expectCode(abkit.track(batch(2)), "store_unavailable", "track whose reply was lost");
      expect(await abkit.track(batch(2))).toEqual({ accepted: 0, deduped: 3 });
      expect(await abkit.track(batch(3))).toEqual({ accepted: 3, deduped: 0 });
      expect(await rewardTotals(ctx.store, abkit)).toEqual({ entities: 3, sum: 9 });
      await abkit.close();
    });

    it("logs: a failed log stores nothing, its retry is stored once, later logs work", async () => {
      const { store, abkit } = open();
      const experiment = await start(abkit);
      const entry = { variantKey: "control", metrics: { latency_ms: 120 } };
      // The engine retries a log's write in process: a store down for longer fails the call.
      store.faults.inject({ method: "appendLog", times: Infinity });
      await expectCode(abkit.log(KEY, entry), "store_unavailable", "the failed log");
      store.faults.heal();
      expect((await abkit.logs(KEY)).logs).toHaveLength(0);
      await abkit.log(KEY, entry);
      // One blip is absorbed by that retry: the log is stored once.
      store.faults.inject({ method: "appendLog" });
      await abkit.log(KEY, entry);
      expect((await abkit.logs(KEY)).logs).toHaveLength(2);
      const summaries = await ctx.store.readLogSummaries(abkit.project, experiment.id);
      expect(summaries.control?.latency_ms).toMatchObject({ count: 2, sum: 240 });
      await abkit.close();
    });

    it("definitions: a failed create, update, start or stop changes nothing; its retry applies once", async () => {
      const { store, abkit } = open();
      const fail = () => store.faults.inject({ method: "putDefinition" });
      fail();
      await expectCode(abkit.experiments.create(EXPERIMENT), "store_unavailable", "create");
      expect(await abkit.experiments.get(KEY)).toBeNull();
      const created = await abkit.experiments.create(EXPERIMENT);
      fail();
      await expectCode(abkit.experiments.update(KEY, { name: "Renamed" }), "store_unavailable");
      expect((await abkit.experiments.get(KEY))?.name).toBe(created.name);
      expect((await abkit.experiments.update(KEY, { name: "Renamed" })).name).toBe("Renamed");
      fail();
      await expectCode(abkit.experiments.start(KEY), "store_unavailable", "start");
      expect((await abkit.experiments.get(KEY))?.status).toBe("draft");
      expect((await abkit.experiments.start(KEY)).status).toBe("running");
      fail();
      await expectCode(abkit.experiments.stop(KEY), "store_unavailable", "stop");
      expect((await abkit.experiments.get(KEY))?.status).toBe("running");
      expect((await abkit.experiments.stop(KEY)).status).toBe("stopped");
      fail();
      const flag = { key: "checkout", type: "boolean" as const, defaultValue: false };
      await expectCode(abkit.flags.create(flag), "store_unavailable", "flag create");
      expect(await abkit.flags.get("checkout")).toBeNull();
      await abkit.flags.create(flag);
      expect((await ctx.store.loadDefinitions(abkit.project)).flags).toHaveLength(1);
      await abkit.close();
    });

    it("definitions and bandit state: a write that was stored resolves although reading it back failed", async () => {
      const { store, abkit } = open();
      // The store fails the read right after taking the write, then answers again.
      const downAfterWrite = () =>
        store.faults.inject({ method: "loadDefinitions", afterCallOf: "putDefinition" });
      downAfterWrite();
      await abkit.experiments.create({
        ...EXPERIMENT,
        bandit: { floor: 5 },
        metrics: [{ name: "reward", kind: "mean", primary: true }],
      });
      // Reported as done, so nobody retries it into a conflict; and this engine sees it.
      expect((await abkit.experiments.get(KEY))?.status).toBe("draft");
      downAfterWrite();
      await abkit.experiments.start(KEY);
      expect((await abkit.experiments.get(KEY))?.status).toBe("running");
      downAfterWrite();
      await abkit.experiments.rebalance(KEY);
      expect((await abkit.experiments.get(KEY))?.banditState?.history).toHaveLength(1);
      await abkit.close();
    });

    it("bandit state: a failed rebalance changes nothing, each later one adds one reweighting", async () => {
      const { store, abkit } = open();
      await start(abkit, {
        bandit: { floor: 5 },
        metrics: [{ name: "reward", kind: "mean", primary: true }],
      });
      await evaluateAll(abkit, users(0, 10));
      await abkit.track(users(0, 10).map((u) => reward(u, 1, `b:${u}`)));
      store.faults.inject({ method: "putDefinition" });
      await expectCode(abkit.experiments.rebalance(KEY), "store_unavailable", "rebalance");
      expect((await abkit.experiments.get(KEY))?.banditState ?? null).toBeNull();
      await abkit.experiments.rebalance(KEY);
      await abkit.experiments.rebalance(KEY);
      expect((await abkit.experiments.get(KEY))?.banditState?.history).toHaveLength(2);
      await abkit.close();
    });
  });
}

// --- Internal helpers ---

const KEY = "faults";
const EXPERIMENT: ExperimentInput = {
  key: KEY,
  variants: [
    { key: "control", weight: 50 },
    { key: "treatment", weight: 50 },
  ],
  metrics: [{ name: "reward", kind: "sum", primary: true }],
};

async function start(abkit: Abkit, extra: Partial<ExperimentInput> = {}) {
  await abkit.experiments.create({ ...EXPERIMENT, ...extra });
  return abkit.experiments.start(KEY);
}

function users(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `user-${from + i}`);
}

const reward = (entityId: string, value: number, idempotencyKey: string) => ({
  entityId,
  metricName: "reward",
  value,
  idempotencyKey,
});

async function evaluateAll(abkit: Abkit, entityIds: string[]): Promise<Record<string, string>> {
  const variants: Record<string, string> = {};
  for (const entityId of entityIds) {
    const { variantKey } = await abkit.evaluate({ experimentKey: KEY, entityId });
    variants[entityId] = variantKey ?? "";
  }
  return variants;
}

// Every evaluated entity stored with the variant it was served, each counted once.
async function expectStored(store: Store, abkit: Abkit, variants: Record<string, string>) {
  const experiment = await abkit.experiments.get(KEY);
  await expectStoredIn(store, abkit.project, experiment?.id ?? "", variants);
}

async function expectStoredIn(
  store: Store,
  projectId: string,
  id: string,
  variants: Record<string, string>,
) {
  for (const [entityId, variantKey] of Object.entries(variants)) {
    expect(await store.getAssignment(projectId, id, entityId), entityId).toBe(variantKey);
  }
  const expected: Record<string, number> = {};
  for (const variantKey of Object.values(variants)) {
    expected[variantKey] = (expected[variantKey] ?? 0) + 1;
  }
  const { exposures } = await store.readAggregates(projectId, id);
  expect(exposures).toEqual(expected);
}

async function rewardTotals(store: Store, abkit: Abkit) {
  const experiment = await abkit.experiments.get(KEY);
  const { metrics } = await store.readAggregates(abkit.project, experiment?.id ?? "");
  const totals = { entities: 0, sum: 0 };
  for (const aggregate of Object.values(metrics.reward ?? {})) {
    totals.entities += aggregate.entities;
    totals.sum += aggregate.sum;
  }
  return totals;
}
