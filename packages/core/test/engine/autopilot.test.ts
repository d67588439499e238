import { memoryStore } from "@abkit/memory";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Abkit, createAbkit, type Store } from "../../src/index.js";
import { B_HARMS, B_WINS, EVEN, startTest, traffic } from "./autopilotFixtures.js";

const engines: Abkit[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

function engine(store: Store = memoryStore(), autopilotCheckMs = 0): Abkit {
  const created = createAbkit({ store, autopilotCheckMs, banditCheckMs: 0 });
  engines.push(created);
  return created;
}

const POLICY = { promote: { chance: 0.95 } };

describe("autopilot", () => {
  it("is off by default: a clear winner is left running", async () => {
    const abkit = engine();
    await startTest(abkit, null);
    await traffic(abkit, 0, 2000, B_WINS);
    expect((await abkit.experiments.get("checkout"))?.autopilot).toBeNull();
    const outcome = await abkit.experiments.autopilot("checkout");
    expect(outcome.decision).toBeNull();
    expect(outcome.reason).toMatch(/off/);
    expect((await abkit.experiments.get("checkout"))?.status).toBe("running");
  });

  it("does nothing while the policy is not met", async () => {
    const abkit = engine();
    await startTest(abkit, POLICY);
    await traffic(abkit, 0, 2000, EVEN);
    const before = await abkit.experiments.get("checkout");
    const outcome = await abkit.experiments.autopilot("checkout");
    expect(outcome.decision).toBeNull();
    expect(outcome.reason).toMatch(/No treatment beats the control on converted/);
    const after = await abkit.experiments.get("checkout");
    expect(after?.revision).toBe(before?.revision);
    expect(after?.status).toBe("running");
    expect(after?.decisions ?? []).toEqual([]);
  });

  it("waits for minUsers before promoting", async () => {
    const abkit = engine();
    await startTest(abkit, { promote: { chance: 0.95, minUsers: 5000 } });
    await traffic(abkit, 0, 2000, B_WINS);
    const outcome = await abkit.experiments.autopilot("checkout");
    expect(outcome.decision).toBeNull();
    expect(outcome.reason).toMatch(/fewer than the 5,000/);
    await traffic(abkit, 2000, 3000, B_WINS);
    expect((await abkit.experiments.autopilot("checkout")).decision?.variantKey).toBe("B");
  });

  it("ships a plain experiment's winner, with the numbers the results report", async () => {
    const abkit = engine();
    await startTest(abkit, POLICY);
    await traffic(abkit, 0, 2000, B_WINS);
    const results = await abkit.results("checkout", { alpha: 0.05 });
    const before = await abkit.experiments.get("checkout");
    const outcome = await abkit.experiments.autopilot("checkout");
    const decision = outcome.decision;
    expect(decision).toMatchObject({ action: "promote", by: "autopilot", variantKey: "B" });
    expect(decision?.metric).toBe("converted");
    const comparison = results.metrics[0]?.variants[1]?.comparison;
    expect(decision?.numbers).toMatchObject({
      read: "always-valid",
      chance: 0.95,
      alpha: 0.05,
      users: { A: results.variants[0]?.users, B: results.variants[1]?.users },
      totalUsers: 2000,
      estimate: comparison?.absolute.estimate,
      interval: comparison?.sequential?.ci,
      level: 0.95,
      chanceToBeatControl: comparison?.chanceToBeatControl,
      pValue: comparison?.pValue,
      guardrail: null,
    });
    expect(decision?.numbers?.interval?.[0]).toBeGreaterThan(0);
    expect(decision?.rule).toMatch(/always-valid interval/);
    const shipped = await abkit.experiments.get("checkout");
    expect(shipped?.status).toBe("shipped");
    expect(shipped?.shipped).toMatchObject({ variantKey: "B", by: "autopilot" });
    expect(shipped?.revision).toBe((before?.revision ?? 0) + 1);
    expect(shipped?.decisions).toEqual([decision]);
    expect((await abkit.results("checkout")).decision).toEqual(decision);
    // Decided once: a second check finds nothing left to do.
    expect((await abkit.experiments.autopilot("checkout")).decision).toBeNull();
  });

  it("serves a shipped experiment's winner to everyone and records no exposure", async () => {
    const abkit = engine();
    await startTest(abkit, POLICY);
    await traffic(abkit, 0, 2000, B_WINS);
    await abkit.experiments.autopilot("checkout");
    const exposed = (await abkit.results("checkout")).variants.map((v) => v.users);
    for (const entityId of ["user_1", "user_2", "someone_new", "another_one"]) {
      const result = await abkit.evaluate({ experimentKey: "checkout", entityId });
      expect(result).toMatchObject({ variantKey: "B", config: true, reason: "shipped" });
      expect(await abkit.peek({ experimentKey: "checkout", entityId })).toMatchObject({
        variantKey: "B",
        reason: "shipped",
      });
    }
    await abkit.flush();
    expect((await abkit.results("checkout")).variants.map((v) => v.users)).toEqual(exposed);
    expect(
      await abkit.evaluate({ experimentKey: "checkout", entityId: "x", environment: "staging" }),
    ).toMatchObject({ variantKey: null, reason: "environment_mismatch" });
  });

  it("promotes on the Bayesian read when the policy asks for it", async () => {
    const abkit = engine();
    await startTest(abkit, { promote: { chance: 0.99, read: "bayesian" } });
    await traffic(abkit, 0, 600, B_WINS);
    const results = await abkit.results("checkout", { alpha: 0.01 });
    const bayesian = results.metrics[0]?.variants[1]?.comparison?.bayesian;
    const { decision } = await abkit.experiments.autopilot("checkout");
    expect(decision?.numbers).toMatchObject({
      read: "bayesian",
      chanceToBeatControl: bayesian?.chanceToBeatControl,
      interval: bayesian?.absolute.ci,
    });
    expect(decision?.numbers?.chanceToBeatControl).toBeGreaterThanOrEqual(0.99);
  });

  it("rolls back to the control when a guardrail shows harm", async () => {
    const abkit = engine();
    await startTest(abkit, POLICY);
    await traffic(abkit, 0, 2000, B_HARMS);
    const results = await abkit.results("checkout");
    const guardrail = results.metrics[1]?.variants[1]?.comparison?.guardrail;
    const { decision } = await abkit.experiments.autopilot("checkout");
    expect(decision).toMatchObject({ action: "rollback", variantKey: "A", metric: "errors" });
    expect(decision?.numbers?.guardrail).toEqual({
      metric: "errors",
      variantKey: "B",
      harm: "increase",
      tolerance: 0,
      toleranceScale: "relative",
      readOn: guardrail?.readOn,
      margin: guardrail?.margin,
      interval: guardrail?.ci,
      bound: guardrail?.bound,
    });
    const experiment = await abkit.experiments.get("checkout");
    expect(experiment?.status).toBe("shipped");
    expect(experiment?.shipped).toMatchObject({ variantKey: "A", by: "autopilot" });
    expect(await abkit.evaluate({ experimentKey: "checkout", entityId: "u" })).toMatchObject({
      variantKey: "A",
      config: false,
    });
  });

  it("does not promote a harmful treatment when rollback is off", async () => {
    const abkit = engine();
    await startTest(abkit, { ...POLICY, rollbackOnGuardrailHarm: false });
    await traffic(abkit, 0, 2000, B_HARMS);
    const outcome = await abkit.experiments.autopilot("checkout");
    expect(outcome.decision).toBeNull();
    expect((await abkit.experiments.get("checkout"))?.status).toBe("running");
  });

  it("stops a flag's experiment and makes the winner the flag's default", async () => {
    const abkit = engine();
    await abkit.flags.create({ key: "new-checkout", type: "boolean", defaultValue: false });
    await startTest(abkit, POLICY, { flagKey: "new-checkout" });
    await traffic(abkit, 0, 2000, B_WINS);
    const outcome = await abkit.experiments.autopilot("checkout");
    expect(outcome.flagUpdated).toBe(true);
    expect(outcome.decision?.flag).toMatchObject({ key: "new-checkout", revision: 1, value: true });
    const experiment = await abkit.experiments.get("checkout");
    expect(experiment?.status).toBe("stopped");
    expect(experiment?.shipped).toBeNull();
    const flag = await abkit.flags.get("new-checkout");
    expect(flag).toMatchObject({ defaultValue: true, revision: 2 });
    expect(await abkit.evaluateFlag("new-checkout", { entityId: "anyone" })).toMatchObject({
      value: true,
    });
  });

  it("rolls back a flag's experiment and leaves the default as it is", async () => {
    const abkit = engine();
    await abkit.flags.create({ key: "new-checkout", type: "boolean", defaultValue: false });
    await startTest(abkit, POLICY, { flagKey: "new-checkout" });
    await traffic(abkit, 0, 2000, B_HARMS);
    const outcome = await abkit.experiments.autopilot("checkout");
    expect(outcome.decision).toMatchObject({ action: "rollback", flag: null });
    expect((await abkit.experiments.get("checkout"))?.status).toBe("stopped");
    expect(await abkit.flags.get("new-checkout")).toMatchObject({
      defaultValue: false,
      revision: 1,
    });
  });

  it("completes a flag default a failed write left unset, on a later check", async () => {
    const store = memoryStore();
    let failFlagWrites = 1;
    const faulty: Store = {
      ...store,
      putDefinition: async (kind, record, expectedRevision) => {
        if (kind === "flag" && record.revision > 1 && failFlagWrites-- > 0) {
          throw new Error("store unavailable");
        }
        return store.putDefinition(kind, record, expectedRevision);
      },
    };
    const abkit = engine(faulty);
    await abkit.flags.create({ key: "new-checkout", type: "boolean", defaultValue: false });
    await startTest(abkit, POLICY, { flagKey: "new-checkout" });
    await traffic(abkit, 0, 2000, B_WINS);
    const first = await abkit.experiments.autopilot("checkout");
    expect(first.decision?.variantKey).toBe("B");
    expect(first.flagUpdated).toBe(false);
    expect((await abkit.flags.get("new-checkout"))?.defaultValue).toBe(false);
    const second = await abkit.experiments.autopilot("checkout");
    expect(second.decision).toBeNull();
    expect(second.flagUpdated).toBe(true);
    expect(await abkit.flags.get("new-checkout")).toMatchObject({
      defaultValue: true,
      revision: 2,
    });
    // Done: a third check changes nothing, and a later change to the flag stands.
    await abkit.flags.update("new-checkout", { defaultValue: false });
    expect((await abkit.experiments.autopilot("checkout")).flagUpdated).toBe(false);
    expect((await abkit.flags.get("new-checkout"))?.defaultValue).toBe(false);
  });

  it("decides once when 10 checks run at the same time", async () => {
    const abkit = engine();
    await startTest(abkit, POLICY);
    await traffic(abkit, 0, 2000, B_WINS);
    const before = await abkit.experiments.get("checkout");
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => abkit.experiments.autopilot("checkout")),
    );
    expect(outcomes.filter((outcome) => outcome.decision !== null)).toHaveLength(1);
    const after = await abkit.experiments.get("checkout");
    expect(after?.decisions).toHaveLength(1);
    expect(after?.revision).toBe((before?.revision ?? 0) + 1);
  });

  it("decides on its own on the schedule", async () => {
    const abkit = engine(memoryStore(), 20);
    await startTest(abkit, { ...POLICY, intervalMs: 1000 });
    await traffic(abkit, 0, 2000, B_WINS);
    await vi.waitFor(
      async () => expect((await abkit.experiments.get("checkout"))?.status).toBe("shipped"),
      { timeout: 5000, interval: 20 },
    );
    expect((await abkit.experiments.get("checkout"))?.decisions).toHaveLength(1);
  });

  it("reports a store fault from a check by hand, and the schedule tries again", async () => {
    const store = memoryStore();
    let failReads = 0;
    const faulty: Store = {
      ...store,
      readAggregates: async (projectId, experimentId) => {
        if (failReads-- > 0) throw new Error("store unavailable");
        return store.readAggregates(projectId, experimentId);
      },
    };
    const setup = engine(faulty);
    await startTest(setup, { ...POLICY, intervalMs: 1000 });
    await traffic(setup, 0, 2000, B_WINS);
    failReads = 1;
    await expect(setup.experiments.autopilot("checkout")).rejects.toThrow("store unavailable");
    expect((await setup.experiments.get("checkout"))?.decisions ?? []).toEqual([]);
    // A scheduled check that fails is tried again on the next tick, not after intervalMs.
    failReads = 2;
    const scheduled = engine(faulty, 20);
    await vi.waitFor(
      async () => expect((await scheduled.experiments.get("checkout"))?.status).toBe("shipped"),
      { timeout: 5000, interval: 20 },
    );
    expect(failReads).toBeLessThan(0);
    expect((await scheduled.experiments.get("checkout"))?.decisions).toHaveLength(1);
  });
});

describe("autopilot policy", () => {
  it("refuses a metric the experiment does not declare", async () => {
    const abkit = engine();
    await expect(
      startTest(abkit, { promote: { metric: "revenue", chance: 0.95 } }),
    ).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringContaining('"revenue" is not a metric of this experiment'),
    });
  });

  it("refuses a guardrail metric, a chance out of range and a bandit", async () => {
    const abkit = engine();
    await startTest(abkit, null);
    const refused = (autopilot: unknown) =>
      expect(
        abkit.experiments.update("checkout", { autopilot: autopilot as never }),
      ).rejects.toMatchObject({ code: "validation_failed" });
    await refused({ promote: { metric: "errors" } });
    await refused({ promote: { chance: 0.3 } });
    await refused({ promote: { chance: 1 } });
    await refused({ intervalMs: 10 });
    await refused({ promote: { read: "fixed" } });
    await expect(
      abkit.experiments.create({
        key: "bandit",
        variants: [
          { key: "A", weight: 50 },
          { key: "B", weight: 50 },
        ],
        metrics: [{ name: "reward", kind: "binomial", primary: true }],
        bandit: { floor: 5 },
        autopilot: {},
      }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("fills in defaults and may be turned on while running", async () => {
    const abkit = engine();
    await startTest(abkit, null);
    const updated = await abkit.experiments.update("checkout", { autopilot: {} });
    expect(updated.autopilot).toEqual({
      promote: { chance: 0.95, read: "always-valid", minUsers: 0 },
      rollbackOnGuardrailHarm: true,
      intervalMs: 3_600_000,
    });
    const off = await abkit.experiments.update("checkout", { autopilot: null });
    expect(off.autopilot).toBeNull();
  });

  it("reads an experiment stored before autopilot existed as off", async () => {
    const store = memoryStore();
    const abkit = engine(store);
    await startTest(abkit, null);
    const stored = await abkit.experiments.get("checkout");
    const { autopilot, ...old } = stored as NonNullable<typeof stored>;
    await store.putDefinition("experiment", { ...old, revision: old.revision + 1 }, old.revision);
    await abkit.refresh();
    expect((await abkit.experiments.autopilot("checkout")).reason).toMatch(/off/);
    const renamed = await abkit.experiments.update("checkout", { name: "Checkout" });
    expect(renamed.autopilot).toBeNull();
  });
});

describe("ship by hand", () => {
  it("ships a running experiment's variant, for good", async () => {
    const abkit = engine();
    await startTest(abkit, null);
    const shipped = await abkit.experiments.ship("checkout", "B");
    expect(shipped).toMatchObject({ status: "shipped", shipped: { variantKey: "B", by: "user" } });
    expect(shipped.decisions?.[0]).toMatchObject({ action: "ship", by: "user", numbers: null });
    for (const action of ["start", "stop"] as const) {
      await expect(abkit.experiments[action]("checkout")).rejects.toMatchObject({
        code: "invalid_transition",
      });
    }
    await expect(abkit.experiments.ship("checkout", "A")).rejects.toMatchObject({
      code: "invalid_transition",
    });
  });

  it("ships a stopped experiment, and refuses a draft or an unknown variant", async () => {
    const abkit = engine();
    await startTest(abkit, null);
    await expect(abkit.experiments.ship("checkout", "C")).rejects.toMatchObject({
      code: "validation_failed",
    });
    await abkit.experiments.stop("checkout");
    expect((await abkit.experiments.ship("checkout", "A")).status).toBe("shipped");
    await abkit.experiments.create({
      key: "draft",
      variants: [
        { key: "A", weight: 50 },
        { key: "B", weight: 50 },
      ],
    });
    await expect(abkit.experiments.ship("draft", "A")).rejects.toMatchObject({
      code: "invalid_transition",
    });
    await expect(abkit.experiments.ship("missing", "A")).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("sets an attached flag's default and stops its experiment", async () => {
    const abkit = engine();
    await abkit.flags.create({ key: "new-checkout", type: "boolean", defaultValue: false });
    await startTest(abkit, null, { flagKey: "new-checkout" });
    const experiment = await abkit.experiments.ship("checkout", "B");
    expect(experiment.status).toBe("stopped");
    expect((await abkit.flags.get("new-checkout"))?.defaultValue).toBe(true);
  });
});
