import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { covariateName, type Experiment } from "../../src/schema/experiment.js";
import { benjaminiHochbergAdjust, welchTest } from "../../src/stats/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import type { ExperimentAggregates } from "../../src/store.js";
import { runningExperiment } from "../support/experiment.js";
import { seededNormal, seededRandom } from "../support/random.js";

// The results methods on simulated users with a known truth, from aggregates built here as
// a store keeps them (the store contract proves each store's aggregates are these sums).

interface User {
  variant: string;
  totals: Record<string, number>;
  events: Record<string, number>;
  covariates: Record<string, number>;
}

const USERS = 3000;

describe("results methods on simulated users", () => {
  it.each([
    ["the covariate from evaluate's properties", "tokens_last_month" as const],
    ["a metric's own history before exposure", { metric: "tokens", days: 7 }],
  ])("CUPED with %s narrows the interval by √(1 - ρ²) around the truth", (_, covariate) => {
    const rho = 0.8;
    const normal = seededNormal(11);
    const random = seededRandom(12);
    const name = covariateName(covariate);
    const users = Array.from({ length: USERS }, (): User => {
      // Last month's tokens predict this month's with correlation ρ; the treatment adds 5.
      const variant = random() < 0.5 ? "control" : "treatment";
      const before = normal();
      const noise = Math.sqrt(1 - rho * rho) * normal();
      const tokens = 200 + 30 * (rho * before + noise) + (variant === "treatment" ? 5 : 0);
      return {
        variant,
        totals: { tokens },
        events: { tokens: 1 },
        covariates: { [name]: 100 + 30 * before },
      };
    });
    const exp = experiment([{ name: "tokens", kind: "sum", primary: true, covariate }]);
    const treatment = buildResults(exp, aggregatesOf(users), {}, 0.05).metrics[0]?.variants[1]
      ?.comparison;
    const raw = treatment?.absolute.ci ?? [0, 0];
    const adjusted = treatment?.cuped?.absolute.ci ?? [0, 0];
    const narrowing = (adjusted[1] - adjusted[0]) / (raw[1] - raw[0]);
    expect(Math.abs(narrowing - Math.sqrt(1 - rho * rho))).toBeLessThan(0.05);
    expect(treatment?.cuped?.varianceReduction).toBeCloseTo(rho * rho, 1);
    expect(adjusted[0]).toBeLessThan(5);
    expect(adjusted[1]).toBeGreaterThan(5);
  });

  it("ratio: tokens per conversation is Σ tokens / Σ conversations, its interval covering the truth", () => {
    const normal = seededNormal(13);
    const random = seededRandom(14);
    const users = Array.from({ length: USERS }, (): User => {
      const variant = random() < 0.5 ? "control" : "treatment";
      // 1 to 4 conversations of ~100 tokens (110 in the treatment), with a per-user level
      // that makes a user's tokens and conversations move together.
      const level = 20 * normal();
      const conversations = 1 + Math.floor(random() * 4);
      let tokens = 0;
      for (let c = 0; c < conversations; c++) {
        tokens += (variant === "treatment" ? 110 : 100) + level + 25 * normal();
      }
      return {
        variant,
        totals: { conversations, tokens },
        events: { conversations, tokens: conversations },
        covariates: {},
      };
    });
    const exp = experiment([
      {
        name: "tokens_per_conversation",
        kind: "ratio",
        numerator: "tokens",
        denominator: "conversations",
        primary: true,
      },
    ]);
    const [control, treatment] =
      buildResults(exp, aggregatesOf(users), {}, 0.05).metrics[0]?.variants ?? [];
    const expected = (variant: string) => {
      const of = users.filter((user) => user.variant === variant);
      const sum = (metric: string) => of.reduce((s, user) => s + (user.totals[metric] ?? 0), 0);
      return sum("tokens") / sum("conversations");
    };
    expect(control?.value).toBeCloseTo(expected("control"), 6);
    expect(treatment?.value).toBeCloseTo(expected("treatment"), 6);
    const ci = treatment?.comparison?.absolute.ci ?? [0, 0];
    expect(ci[0]).toBeLessThan(10);
    expect(ci[1]).toBeGreaterThan(10);
    expect(ci[0]).toBeGreaterThan(0);
  });

  it("guardrails: a true 15% latency harm is flagged, an unchanged latency is not", () => {
    const guardrail = {
      harm: "increase" as const,
      tolerance: 0.02,
      toleranceScale: "relative" as const,
    };
    const exp = experiment([
      { name: "thumbs_up", kind: "binomial", primary: true },
      { name: "latency_ms", kind: "mean", primary: false, guardrail },
    ]);
    const normal = seededNormal(15);
    const random = seededRandom(16);
    const simulate = (slowdown: number) =>
      Array.from({ length: USERS }, (): User => {
        const variant = random() < 0.5 ? "control" : "treatment";
        const slower = variant === "treatment" ? slowdown : 1;
        return {
          variant,
          totals: { latency_ms: 800 * slower + 100 * normal() },
          events: { latency_ms: 1 },
          covariates: {},
        };
      });
    const harmful = buildResults(exp, aggregatesOf(simulate(1.15)), {}, 0.05);
    expect(harmful.guardrailViolations).toEqual([
      expect.objectContaining({ metric: "latency_ms", variantKey: "treatment", harm: "increase" }),
    ]);
    const harmless = buildResults(exp, aggregatesOf(simulate(1)), {}, 0.05);
    expect(harmless.guardrailViolations).toEqual([]);
    expect(harmless.metrics[1]?.variants[1]?.comparison?.guardrail?.status).toBe("ok");
  });

  it("corrects p-values with Benjamini-Hochberg across metrics and variants on request", () => {
    const normal = seededNormal(17);
    const random = seededRandom(18);
    const users = Array.from({ length: 600 }, (): User => {
      const draw = random();
      const variant = draw < 0.34 ? "control" : draw < 0.67 ? "b" : "c";
      const lift = variant === "c" ? 0.5 : 0;
      return {
        variant,
        totals: { clicks: Math.round(3 + lift + 2 * random()), spend: 10 + 5 * normal() },
        events: { clicks: 1, spend: 1 },
        covariates: {},
      };
    });
    const exp = experiment(
      [
        { name: "clicks", kind: "count", primary: true },
        { name: "spend", kind: "sum", primary: false },
      ],
      ["control", "b", "c"],
    );
    const correction = {
      method: "benjamini-hochberg" as const,
      across: "metrics-and-variants" as const,
    };
    const results = buildResults(exp, aggregatesOf(users), {}, 0.05, correction);
    const comparisons = results.metrics.flatMap((metric) =>
      metric.variants.flatMap((variant) => (variant.comparison ? [variant.comparison] : [])),
    );
    expect(comparisons).toHaveLength(4);
    const expected = benjaminiHochbergAdjust(comparisons.map((entry) => entry.pValue));
    comparisons.forEach((entry, index) => {
      expect(entry.pValueAdjusted).toBeCloseTo(expected[index] ?? -1, 12);
    });
    expect(results.correction).toEqual(correction);
    // The raw numbers are the plain test's: the option changes only the adjusted p-values.
    const spend = results.metrics[1]?.variants;
    const empty = { n: 0, sum: 0, sumSquares: 0 };
    const plain = welchTest(spend?.[0] ?? empty, spend?.[1] ?? empty);
    expect(spend?.[1]?.comparison?.pValue).toBeCloseTo(plain.pValue ?? -1, 12);
  });
});

// --- Internal helpers ---

function experiment(metrics: Experiment["metrics"], arms = ["control", "treatment"]): Experiment {
  const share = Math.floor(100 / arms.length);
  return runningExperiment({
    key: "methods",
    name: "methods",
    hashSeed: "methods",
    // The first arm takes what an even split leaves over.
    variants: arms.map((key, i) => ({
      key,
      weight: i === 0 ? 100 - share * (arms.length - 1) : share,
      config: null,
    })),
    metrics,
  });
}

// The aggregates a store keeps for these users, all exposed, every total from its events:
// per metric Σ t_u and Σ t_u², covariate sums, Σ x_u t_u and the cross product of the two
// metrics a ratio names.
function aggregatesOf(users: readonly User[]): ExperimentAggregates {
  const out = emptyAggregates();
  for (const user of users) {
    const v = user.variant;
    out.exposures[v] = (out.exposures[v] ?? 0) + 1;
    for (const [metric, total] of Object.entries(user.totals)) {
      const agg = slot(slot(out.metrics, metric), v, () => ({
        events: 0,
        sum: 0,
        sumSquares: 0,
        entities: 0,
      }));
      agg.events += user.events[metric] ?? 1;
      agg.sum += total;
      agg.sumSquares += total * total;
      agg.entities += 1;
      for (const [name, x] of Object.entries(user.covariates)) {
        const product = slot(slot(slot(out.covariateProducts, metric), name), v, () => ({
          sumXY: 0,
          sumXWithEvent: 0,
        }));
        product.sumXY += x * total;
        product.sumXWithEvent += x;
      }
    }
    for (const [name, x] of Object.entries(user.covariates)) {
      const cov = slot(slot(out.covariates, name), v, () => ({
        entities: 0,
        sum: 0,
        sumSquares: 0,
      }));
      cov.entities += 1;
      cov.sum += x;
      cov.sumSquares += x * x;
    }
    const { conversations, tokens } = user.totals;
    if (conversations !== undefined && tokens !== undefined) {
      const pair = slot(slot(out.crossProducts, "conversations"), "tokens");
      pair[v] = (pair[v] ?? 0) + conversations * tokens;
    }
  }
  return out;
}

function slot<T>(record: Record<string, T>, key: string, create?: () => T): T {
  if (!Object.hasOwn(record, key)) record[key] = create ? create() : ({} as T);
  return record[key] as T;
}
