import {
  type Abkit,
  benjaminiHochbergAdjust,
  createAbkit,
  type EventInput,
  type ExperimentInput,
  standardNormal,
  welchTest,
} from "@abkit/core";
import { describe, expect, it } from "vitest";
import { seededRandom } from "./expected.js";
import { useStore } from "./harness.js";
import type { StoreHarness } from "./types.js";

/**
 * The results methods beyond means and rates, end to end through the engine on this store,
 * on simulated users with a known truth: CUPED narrows the interval by √(1 - ρ²) around the
 * true effect, a ratio metric's value is Σ numerator / Σ denominator and its interval
 * covers the truth, a guardrail with a true harm fires and one without does not, the
 * Benjamini-Hochberg option corrects across metrics, holdout entities never get a variant,
 * and a bandit moves traffic to the better arm while its assignments stay.
 *
 * @example
 * describe("my store", () => methodsContract({ create: async () => myStore() }));
 */
export function methodsContract(harness: StoreHarness): void {
  describe("results methods (CUPED, ratio, guardrails, corrections, holdouts, bandits)", () => {
    const ctx = useStore(harness);

    it("CUPED: the covariate from evaluate's properties narrows the interval by √(1 - ρ²)", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      const rho = 0.8;
      await start(abkit, {
        key: "cuped",
        variants: arms(),
        metrics: [{ name: "tokens", kind: "sum", primary: true, covariate: "tokens_last_month" }],
      });
      const next = seededRandom(11);
      const events: EventInput[] = [];
      for (let i = 0; i < USERS; i++) {
        const entityId = `u${i}`;
        // Last month's tokens predict this month's with correlation ρ; the treatment adds 5.
        const before = normal(next);
        const { variantKey } = await abkit.evaluate({
          experimentKey: "cuped",
          entityId,
          properties: { tokens_last_month: 100 + 30 * before },
        });
        const noise = Math.sqrt(1 - rho * rho) * normal(next);
        const tokens = 200 + 30 * (rho * before + noise) + (variantKey === "treatment" ? 5 : 0);
        events.push({ entityId, metricName: "tokens", value: tokens });
      }
      await trackAll(abkit, events);
      const results = await abkit.results("cuped");
      const treatment = results.metrics[0]?.variants[1]?.comparison;
      const raw = treatment?.absolute.ci ?? [0, 0];
      const adjusted = treatment?.cuped?.absolute.ci ?? [0, 0];
      const narrowing = (adjusted[1] - adjusted[0]) / (raw[1] - raw[0]);
      expect(Math.abs(narrowing - Math.sqrt(1 - rho * rho))).toBeLessThan(0.05);
      expect(treatment?.cuped?.varianceReduction).toBeCloseTo(rho * rho, 1);
      expect(adjusted[0]).toBeLessThan(5);
      expect(adjusted[1]).toBeGreaterThan(5);
      await abkit.close();
    });

    it("CUPED: a metric's own history before exposure narrows the interval by √(1 - ρ²)", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      const rho = 0.8;
      const next = seededRandom(16);
      // Last week's tokens, tracked before the experiment exists (backfilled with their days).
      const before = Array.from({ length: USERS }, () => normal(next));
      const history: EventInput[] = before.flatMap((x, i) =>
        [2, 4, 6].map((daysAgo) => ({
          entityId: `u${i}`,
          metricName: "tokens",
          value: (100 + 30 * x) / 3,
          timestamp: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
        })),
      );
      await trackAll(abkit, history);
      await start(abkit, {
        key: "cuped_history",
        variants: arms(),
        metrics: [
          { name: "tokens", kind: "sum", primary: true, covariate: { metric: "tokens", days: 7 } },
        ],
      });
      const events: EventInput[] = [];
      for (let i = 0; i < USERS; i++) {
        const entityId = `u${i}`;
        const { variantKey } = await abkit.evaluate({ experimentKey: "cuped_history", entityId });
        const noise = Math.sqrt(1 - rho * rho) * normal(next);
        const x = before[i] ?? 0;
        const tokens = 200 + 30 * (rho * x + noise) + (variantKey === "treatment" ? 5 : 0);
        events.push({ entityId, metricName: "tokens", value: tokens });
      }
      await trackAll(abkit, events);
      const results = await abkit.results("cuped_history");
      const treatment = results.metrics[0]?.variants[1]?.comparison;
      const raw = treatment?.absolute.ci ?? [0, 0];
      const adjusted = treatment?.cuped?.absolute.ci ?? [0, 0];
      expect(treatment?.cuped?.varianceReduction).toBeCloseTo(rho * rho, 1);
      const narrowing = (adjusted[1] - adjusted[0]) / (raw[1] - raw[0]);
      expect(Math.abs(narrowing - Math.sqrt(1 - rho * rho))).toBeLessThan(0.05);
      expect(adjusted[0]).toBeLessThan(5);
      expect(adjusted[1]).toBeGreaterThan(5);
      await abkit.close();
    });

    it("ratio: tokens per conversation is Σ tokens / Σ conversations, its interval covering the truth", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      await start(abkit, {
        key: "ratio",
        variants: arms(),
        metrics: [
          {
            name: "tokens_per_conversation",
            kind: "ratio",
            numerator: "tokens",
            denominator: "conversations",
            primary: true,
          },
        ],
      });
      const next = seededRandom(12);
      const events: EventInput[] = [];
      const totals: Record<string, { tokens: number; conversations: number }> = {
        control: { tokens: 0, conversations: 0 },
        treatment: { tokens: 0, conversations: 0 },
      };
      for (let i = 0; i < USERS; i++) {
        const entityId = `u${i}`;
        const { variantKey } = await abkit.evaluate({ experimentKey: "ratio", entityId });
        const variant = variantKey as "control" | "treatment";
        // 1 to 4 conversations of ~100 tokens (110 in the treatment), with a per-user level
        // that makes a user's tokens and conversations move together.
        const level = 20 * normal(next);
        const conversations = 1 + Math.floor(next() * 4);
        for (let c = 0; c < conversations; c++) {
          const tokens = (variant === "treatment" ? 110 : 100) + level + 25 * normal(next);
          events.push({ entityId, metricName: "conversations" });
          events.push({ entityId, metricName: "tokens", value: tokens });
          totals[variant]!.tokens += tokens;
          totals[variant]!.conversations += 1;
        }
      }
      await trackAll(abkit, events);
      const results = await abkit.results("ratio");
      const [control, treatment] = results.metrics[0]?.variants ?? [];
      const expected = (variant: string) =>
        totals[variant]!.tokens / totals[variant]!.conversations;
      expect(control?.value).toBeCloseTo(expected("control"), 6);
      expect(treatment?.value).toBeCloseTo(expected("treatment"), 6);
      const ci = treatment?.comparison?.absolute.ci ?? [0, 0];
      expect(ci[0]).toBeLessThan(10);
      expect(ci[1]).toBeGreaterThan(10);
      expect(ci[0]).toBeGreaterThan(0);
      await abkit.close();
    });

    it("guardrails: a true 15% latency harm is flagged, an unchanged latency is not", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      const guardrail = { harm: "increase" as const, tolerance: 0.02 };
      for (const key of ["harmful", "harmless"]) {
        await start(abkit, {
          key,
          variants: arms(),
          metrics: [
            { name: "thumbs_up", kind: "binomial", primary: true },
            { name: "latency_ms", kind: "mean", guardrail },
          ],
        });
      }
      const next = seededRandom(13);
      const events: EventInput[] = [];
      for (let i = 0; i < USERS; i++) {
        const entityId = `u${i}`;
        for (const key of ["harmful", "harmless"]) {
          const { variantKey } = await abkit.evaluate({ experimentKey: key, entityId });
          const slower = key === "harmful" && variantKey === "treatment" ? 1.15 : 1;
          events.push({
            entityId,
            metricName: "latency_ms",
            value: 800 * slower + 100 * normal(next),
          });
        }
      }
      await trackAll(abkit, events);
      const harmful = await abkit.results("harmful");
      expect(harmful.guardrailViolations).toEqual([
        expect.objectContaining({
          metric: "latency_ms",
          variantKey: "treatment",
          harm: "increase",
        }),
      ]);
      const harmless = await abkit.results("harmless");
      expect(harmless.guardrailViolations).toEqual([]);
      const verdict = harmless.metrics[1]?.variants[1]?.comparison?.guardrail;
      expect(verdict?.status).toBe("ok");
      await abkit.close();
    });

    it("holdouts: held-out entities never get a variant and are measured against the rest", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      await start(abkit, { key: "feature", variants: arms() });
      await abkit.holdouts.create({ key: "holdout", share: 0.2 });
      await abkit.experiments.start("holdout");
      let held = 0;
      for (let i = 0; i < 1000; i++) {
        const result = await abkit.evaluate({ experimentKey: "feature", entityId: `u${i}` });
        if (result.reason === "holdout") {
          held++;
          expect(result.variantKey).toBeNull();
        } else {
          expect(result.variantKey).not.toBeNull();
        }
      }
      const feature = await abkit.results("feature");
      expect(feature.variants.reduce((sum, variant) => sum + variant.users, 0)).toBe(1000 - held);
      const holdout = await abkit.results("holdout");
      expect(holdout.variants.map((variant) => variant.users)).toEqual([held, 1000 - held]);
      expect(holdout.srm?.mismatch).toBe(false);
      await abkit.close();
    });

    it("bandits: traffic moves to the better arm, floors hold, and assignments stay", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      await start(abkit, {
        key: "bandit",
        variants: arms(),
        metrics: [{ name: "won", kind: "binomial", primary: true }],
        bandit: { floor: 10 },
      });
      const next = seededRandom(15);
      const served = new Map<string, string>();
      for (let round = 0; round < 6; round++) {
        const events: EventInput[] = [];
        for (let i = round * 300; i < (round + 1) * 300; i++) {
          const entityId = `u${i}`;
          const { variantKey } = await abkit.evaluate({ experimentKey: "bandit", entityId });
          served.set(entityId, variantKey as string);
          const rate = variantKey === "treatment" ? 0.2 : 0.05;
          if (next() < rate) events.push({ entityId, metricName: "won" });
        }
        await trackAll(abkit, events);
        const made = await abkit.experiments.rebalance("bandit");
        expect(Math.min(...Object.values(made.weights))).toBeGreaterThanOrEqual(10);
      }
      const results = await abkit.results("bandit");
      const treatment = results.bandit?.arms.find((arm) => arm.variantKey === "treatment");
      expect(treatment?.weight).toBeGreaterThan(60);
      expect(results.bandit?.history).toHaveLength(6);
      // A fresh engine (no cache) gives every entity the arm it was first served.
      const fresh = createAbkit({ store: ctx.store, banditCheckMs: 0 });
      for (const [entityId, arm] of [...served].slice(0, 300)) {
        expect((await fresh.evaluate({ experimentKey: "bandit", entityId })).variantKey).toBe(arm);
      }
      await fresh.close();
      await abkit.close();
    });

    it("corrects p-values with Benjamini-Hochberg across metrics and variants on request", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      await start(abkit, {
        key: "many",
        variants: [
          { key: "control", weight: 34 },
          { key: "b", weight: 33 },
          { key: "c", weight: 33 },
        ],
        metrics: [
          { name: "clicks", kind: "count", primary: true },
          { name: "spend", kind: "sum" },
        ],
      });
      const next = seededRandom(14);
      const events: EventInput[] = [];
      for (let i = 0; i < 600; i++) {
        const entityId = `u${i}`;
        const { variantKey } = await abkit.evaluate({ experimentKey: "many", entityId });
        const lift = variantKey === "c" ? 0.5 : 0;
        events.push({ entityId, metricName: "clicks", value: Math.round(3 + lift + 2 * next()) });
        events.push({ entityId, metricName: "spend", value: 10 + 5 * normal(next) });
      }
      await trackAll(abkit, events);
      const results = await abkit.results("many", {
        correction: { method: "benjamini-hochberg", across: "metrics-and-variants" },
      });
      const comparisons = results.metrics.flatMap((metric) =>
        metric.variants.flatMap((variant) => (variant.comparison ? [variant.comparison] : [])),
      );
      expect(comparisons).toHaveLength(4);
      const expected = benjaminiHochbergAdjust(comparisons.map((entry) => entry.pValue));
      comparisons.forEach((entry, index) => {
        expect(entry.pValueAdjusted).toBeCloseTo(expected[index] ?? -1, 12);
      });
      expect(results.correction).toEqual({
        method: "benjamini-hochberg",
        across: "metrics-and-variants",
      });
      // The raw numbers are the plain test's: the option changes only the adjusted p-values.
      const spend = results.metrics[1]?.variants;
      const plain = welchTest(
        spend?.[0] ?? { n: 0, sum: 0, sumSquares: 0 },
        spend?.[1] ?? {
          n: 0,
          sum: 0,
          sumSquares: 0,
        },
      );
      expect(spend?.[1]?.comparison?.pValue).toBeCloseTo(plain.pValue ?? -1, 12);
      await abkit.close();
    });
  });
}

// --- Internal helpers ---

const USERS = 3000;

function arms() {
  return [
    { key: "control", weight: 50 },
    { key: "treatment", weight: 50 },
  ];
}

async function start(abkit: Abkit, input: ExperimentInput): Promise<void> {
  await abkit.experiments.create(input);
  await abkit.experiments.start(input.key);
}

async function trackAll(abkit: Abkit, events: EventInput[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) await abkit.track(events.slice(i, i + 1000));
}

// A standard normal draw from a seeded uniform generator.
const normal = standardNormal;
