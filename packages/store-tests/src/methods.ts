import {
  type Abkit,
  type AssignmentRecord,
  covariateName,
  createAbkit,
  DEFAULT_PROJECT,
  type EventInput,
  type ExperimentInput,
  type Store,
} from "@abkit/core";
import { standardNormal } from "@abkit/core/stats";
import { describe, expect, it } from "vitest";
import { recount, seededRandom } from "./expected.js";
import { assignment, eventRecord } from "./fixtures.js";
import { useStore } from "./harness.js";
import { expectClose, recountProducts } from "./productsExpected.js";
import type { StoreHarness } from "./types.js";

/**
 * The results methods beyond means and rates, end to end through the engine on this store:
 * what each needs the store to keep exactly. CUPED's covariates (from evaluate's properties
 * or the metric's own history before exposure) and their products with metric totals, a
 * ratio metric's sums and cross products, all equal to the suite's recount of what the
 * engine sent; holdout entities never get a variant; a bandit's reweightings are kept and
 * its assignments stay. Whether the statistics on these sums are right (CUPED narrowing by
 * √(1 - ρ²), coverage of the truth, guardrail verdicts, corrections) does not depend on the
 * store: core's tests check it once, on simulated aggregates.
 *
 * @example
 * describe("my store", () => methodsContract({ create: async () => myStore() }));
 */
export function methodsContract(harness: StoreHarness): void {
  describe("results methods (CUPED, ratio, holdouts, bandits)", () => {
    const ctx = useStore(harness);

    it("CUPED: evaluate's covariate, its sums and its products with metric totals are stored exactly", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      const id = await start(abkit, {
        key: "cuped",
        variants: arms(),
        metrics: [{ name: "tokens", kind: "sum", primary: true, covariate: "tokens_last_month" }],
      });
      const next = seededRandom(11);
      const assigned: AssignmentRecord[] = [];
      const events: EventInput[] = [];
      for (let i = 0; i < USERS; i++) {
        const entityId = `u${i}`;
        const covariate = Math.round(10_000 * next()) / 100;
        const { variantKey } = await abkit.evaluate({
          experimentKey: "cuped",
          entityId,
          properties: { tokens_last_month: covariate },
        });
        assigned.push(withCovariate(id, entityId, variantKey, "tokens_last_month", covariate));
        // Two events for most users, none for some: products count each entity's total once.
        if (i % 5 === 4) continue;
        events.push({ entityId, metricName: "tokens", value: 200 + 30 * normal(next) });
        events.push({ entityId, metricName: "tokens", value: 10 * next() });
      }
      await trackAll(abkit, events);
      await expectExact(ctx.store, id, assigned, events);
      const results = await abkit.results("cuped");
      expect(results.metrics[0]?.variants[1]?.comparison?.cuped).toBeDefined();
      await abkit.close();
    });

    it("CUPED: a metric's own history before exposure is stored as each entity's covariate, exactly", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      const next = seededRandom(16);
      // Last week's tokens, tracked before the experiment exists (backfilled with their days).
      const before = Array.from({ length: USERS }, () => 100 + 30 * normal(next));
      const history: EventInput[] = before.flatMap((x, i) =>
        [2, 4, 6].map((daysAgo) => ({
          entityId: `u${i}`,
          metricName: "tokens",
          value: x / 3,
          timestamp: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
        })),
      );
      await trackAll(abkit, history);
      const covariate = { metric: "tokens", days: 7 };
      const id = await start(abkit, {
        key: "cuped_history",
        variants: arms(),
        metrics: [{ name: "tokens", kind: "sum", primary: true, covariate }],
      });
      const assigned: AssignmentRecord[] = [];
      const events: EventInput[] = [];
      for (let i = 0; i < USERS; i++) {
        const entityId = `u${i}`;
        const { variantKey } = await abkit.evaluate({ experimentKey: "cuped_history", entityId });
        // The store's entity totals give the covariate: the three history events' sum.
        const x = [0, 0, 0].reduce((sum) => sum + (before[i] ?? 0) / 3, 0);
        assigned.push(withCovariate(id, entityId, variantKey, covariateName(covariate), x));
        events.push({ entityId, metricName: "tokens", value: 200 + 30 * normal(next) });
      }
      await trackAll(abkit, events);
      await expectExact(ctx.store, id, assigned, events);
      const results = await abkit.results("cuped_history");
      expect(results.metrics[0]?.variants[1]?.comparison?.cuped).toBeDefined();
      await abkit.close();
    });

    it("ratio: tokens per conversation is Σ tokens / Σ conversations from exact sums and cross products", async () => {
      const abkit = createAbkit({ store: ctx.store, flushIntervalMs: 60_000, banditCheckMs: 0 });
      const id = await start(abkit, {
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
      const assigned: AssignmentRecord[] = [];
      const events: EventInput[] = [];
      const totals: Record<string, { tokens: number; conversations: number }> = {
        control: { tokens: 0, conversations: 0 },
        treatment: { tokens: 0, conversations: 0 },
      };
      for (let i = 0; i < USERS; i++) {
        const entityId = `u${i}`;
        const { variantKey } = await abkit.evaluate({ experimentKey: "ratio", entityId });
        const variant = variantKey as "control" | "treatment";
        assigned.push(assignment(PROJECT, id, entityId, variant));
        const conversations = 1 + Math.floor(next() * 4);
        for (let c = 0; c < conversations; c++) {
          const tokens = 100 + 25 * normal(next);
          events.push({ entityId, metricName: "conversations" });
          events.push({ entityId, metricName: "tokens", value: tokens });
          totals[variant]!.tokens += tokens;
          totals[variant]!.conversations += 1;
        }
      }
      await trackAll(abkit, events);
      await expectExact(ctx.store, id, assigned, events, {
        tokens: ["conversations"],
        conversations: ["tokens"],
      });
      const results = await abkit.results("ratio");
      const [control, treatment] = results.metrics[0]?.variants ?? [];
      const expected = (variant: string) =>
        totals[variant]!.tokens / totals[variant]!.conversations;
      expect(control?.value).toBeCloseTo(expected("control"), 6);
      expect(treatment?.value).toBeCloseTo(expected("treatment"), 6);
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
  });
}

// --- Internal helpers ---

// Enough users to reach both arms and every kind of sum; the statistics on thousands of
// simulated users run once, on computed aggregates, in core's tests.
const USERS = 300;
const PROJECT = DEFAULT_PROJECT;

function arms() {
  return [
    { key: "control", weight: 50 },
    { key: "treatment", weight: 50 },
  ];
}

async function start(abkit: Abkit, input: ExperimentInput): Promise<string> {
  const { id } = await abkit.experiments.create(input);
  await abkit.experiments.start(input.key);
  return id;
}

function withCovariate(
  experimentId: string,
  entityId: string,
  variantKey: string | null,
  name: string,
  x: number,
): AssignmentRecord {
  return {
    ...assignment(PROJECT, experimentId, entityId, variantKey ?? ""),
    covariates: { [name]: x },
  };
}

// The store's exposures, metric sums, covariate sums and products equal the suite's own
// recount of what the engine sent it (events carry `partners` as their cross metrics).
async function expectExact(
  store: Store,
  experimentId: string,
  assigned: readonly AssignmentRecord[],
  sent: readonly EventInput[],
  partners: Record<string, string[]> = {},
): Promise<void> {
  const accepted = sent.map((event) =>
    eventRecord(event.entityId, [experimentId], {
      metricName: event.metricName,
      value: event.value ?? 1,
      ...(partners[event.metricName]
        ? { crossMetrics: { [experimentId]: partners[event.metricName]! } }
        : {}),
    }),
  );
  const variants = new Map(assigned.map((record) => [record.entityId, record.variantKey]));
  const read = await store.readAggregates(PROJECT, experimentId);
  const metrics = recount(experimentId, variants, accepted);
  const products = recountProducts(experimentId, assigned, accepted);
  expect(read.exposures).toEqual(metrics.exposures);
  expectClose(read.metrics, metrics.metrics, "metrics");
  expectClose(read.covariates, products.covariates, "covariates");
  expectClose(read.covariateProducts, products.covariateProducts, "covariateProducts");
  expectClose(read.crossProducts, products.crossProducts, "crossProducts");
}

async function trackAll(abkit: Abkit, events: EventInput[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) await abkit.track(events.slice(i, i + 1000));
}

// A standard normal draw from a seeded uniform generator.
const normal = standardNormal;
