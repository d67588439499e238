import { memoryStore } from "@abkit/memory";
import { afterEach, describe, expect, it } from "vitest";
import { type Abkit, createAbkit, type EventInput, type Store } from "../../src/index.js";
import { seededRandom } from "../support/random.js";

const engines: Abkit[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

function engine(store: Store, options: { banditCheckMs?: number } = {}): Abkit {
  const created = createAbkit({ store, banditCheckMs: options.banditCheckMs ?? 0 });
  engines.push(created);
  return created;
}

async function startBandit(
  abkit: Abkit,
  kind: "binomial" | "mean",
  arms: string[],
  intervalMs?: number,
) {
  await abkit.experiments.create({
    key: "bandit",
    variants: arms.map((key, index) => ({
      key,
      // Equal starting shares that sum to exactly 100.
      weight:
        index === 0
          ? 100 - Math.floor(100 / arms.length) * (arms.length - 1)
          : Math.floor(100 / arms.length),
    })),
    metrics: [{ name: "reward", kind, primary: true }],
    bandit: { floor: 5, ...(intervalMs ? { intervalMs } : {}) },
  });
  await abkit.experiments.start("bandit");
}

/** One round: new users arrive, are served, and earn their arm's reward. */
async function round(
  abkit: Abkit,
  start: number,
  users: number,
  reward: (arm: string, next: () => number) => number | null,
  next: () => number,
): Promise<Map<string, string>> {
  const served = new Map<string, string>();
  const events: EventInput[] = [];
  for (let i = start; i < start + users; i++) {
    const entityId = `u${i}`;
    const { variantKey } = await abkit.evaluate({ experimentKey: "bandit", entityId });
    served.set(entityId, variantKey as string);
    const value = reward(variantKey as string, next);
    if (value !== null) events.push({ entityId, metricName: "reward", value });
  }
  await abkit.track(events);
  return served;
}

describe("bandits", () => {
  it("move most traffic to a clearly better arm, keep every arm above its floor, and stay sticky", async () => {
    const abkit = engine(memoryStore());
    await startBandit(abkit, "binomial", ["a", "b", "c"]);
    const rates: Record<string, number> = { a: 0.04, b: 0.05, c: 0.12 };
    const next = seededRandom(21);
    const served = new Map<string, string>();
    for (let r = 0; r < 12; r++) {
      const round_ = await round(
        abkit,
        r * 400,
        400,
        (arm, rand) => (rand() < (rates[arm] ?? 0) ? 1 : null),
        next,
      );
      for (const [id, arm] of round_) served.set(id, arm);
      const made = await abkit.experiments.rebalance("bandit");
      for (const weight of Object.values(made.weights)) expect(weight).toBeGreaterThanOrEqual(5);
      expect(Object.values(made.weights).reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(
        100,
        9,
      );
    }
    const results = await abkit.results("bandit");
    const arms = Object.fromEntries(results.bandit?.arms.map((arm) => [arm.variantKey, arm]) ?? []);
    expect(arms.c?.weight).toBeGreaterThan(70);
    expect(arms.c?.chanceToBeBest).toBeGreaterThan(0.95);
    expect(results.bandit?.history).toHaveLength(12);
    const times = results.bandit?.history.map((entry) => Date.parse(entry.at)) ?? [];
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // The best arm got the most users; no fixed-sample claims are made.
    const users = Object.fromEntries(
      results.variants.map((variant) => [variant.key, variant.users]),
    );
    expect(users.c).toBeGreaterThan((users.a ?? 0) + (users.b ?? 0));
    expect(results.srm).toBeNull();
    for (const variant of results.metrics[0]?.variants ?? []) {
      expect(variant.comparison?.pValue ?? null).toBeNull();
      expect(variant.comparison?.absolute.ci ?? null).toBeNull();
    }

    // Every user keeps the arm first served, though the shares moved since.
    for (const [entityId, arm] of [...served].slice(0, 600)) {
      expect((await abkit.evaluate({ experimentKey: "bandit", entityId })).variantKey).toBe(arm);
    }
  });

  it("work on a mean metric too", async () => {
    const abkit = engine(memoryStore());
    await startBandit(abkit, "mean", ["slow", "fast"]);
    const means: Record<string, number> = { slow: 10, fast: 11.5 };
    const next = seededRandom(22);
    const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    for (let r = 0; r < 8; r++) {
      await round(abkit, r * 200, 200, (arm) => (means[arm] ?? 0) + 3 * normal(), next);
      await abkit.experiments.rebalance("bandit");
    }
    const results = await abkit.results("bandit");
    const fast = results.bandit?.arms.find((arm) => arm.variantKey === "fast");
    expect(fast?.weight).toBeGreaterThan(70);
    expect(fast?.posterior).toMatchObject({ kind: "normal" });
  });

  it("keep an entity's arm when another process rebalanced and a new one asks", async () => {
    const store = memoryStore();
    const first = engine(store);
    await startBandit(first, "binomial", ["a", "b"]);
    const next = seededRandom(23);
    const served = await round(
      first,
      0,
      300,
      (arm, rand) => (arm === "b" && rand() < 0.3 ? 1 : null),
      next,
    );
    await first.flush();
    await engine(store).experiments.rebalance("bandit");
    await engine(store).experiments.rebalance("bandit");
    const fresh = engine(store);
    for (const [entityId, arm] of served) {
      expect((await fresh.evaluate({ experimentKey: "bandit", entityId })).variantKey).toBe(arm);
    }
  });

  it("rebalance on their own once per interval, however many engines watch", async () => {
    const store = memoryStore();
    const setup = engine(store);
    await startBandit(setup, "binomial", ["a", "b"], 1000);
    const watchers = [engine(store, { banditCheckMs: 50 }), engine(store, { banditCheckMs: 50 })];
    expect(watchers).toHaveLength(2);
    const started = Date.now();
    const history = async () => (await setup.results("bandit")).bandit?.history ?? [];
    while ((await history()).length < 2 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const entries = await history();
    expect(entries.length).toBeGreaterThanOrEqual(2);
    // Two engines checking every 50 ms still rebalance at most once per second.
    const gaps = entries
      .slice(1)
      .map((entry, i) => Date.parse(entry.at) - Date.parse(entries[i]?.at ?? ""));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it("refuse what cannot be a bandit, and rebalancing what is not a running one", async () => {
    const abkit = engine(memoryStore());
    const base = {
      variants: [
        { key: "a", weight: 50 },
        { key: "b", weight: 50 },
      ],
    };
    await expect(
      abkit.experiments.create({
        key: "counts",
        ...base,
        metrics: [{ name: "clicks", kind: "count", primary: true }],
        bandit: {},
      }),
    ).rejects.toThrow(/primary metric of kind binomial or mean/);
    await expect(
      abkit.experiments.create({
        key: "floors",
        ...base,
        metrics: [{ name: "won", kind: "binomial", primary: true }],
        bandit: { floor: 60 },
      }),
    ).rejects.toThrow(/at most 50|cannot each keep/);
    await abkit.experiments.create({ key: "plain", ...base });
    await expect(abkit.experiments.rebalance("plain")).rejects.toMatchObject({
      code: "validation_failed",
    });
    await abkit.experiments.create({
      key: "draft_bandit",
      ...base,
      metrics: [{ name: "won", kind: "binomial", primary: true }],
      bandit: {},
    });
    await expect(abkit.experiments.rebalance("draft_bandit")).rejects.toMatchObject({
      code: "experiment_not_running",
    });
    await expect(abkit.experiments.rebalance("none")).rejects.toMatchObject({ code: "not_found" });
  });
});
