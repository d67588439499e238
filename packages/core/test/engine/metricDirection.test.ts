import { describe, expect, it } from "vitest";
import { banditChances, banditPosteriors } from "../../src/engine/results/bandit.js";
import { buildResults } from "../../src/engine/results/buildResults.js";
import {
  type Experiment,
  experimentInputSchema,
  type Metric,
  metricDirection,
} from "../../src/schema/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import { runningExperiment } from "../support/experiment.js";

const variants = [
  { key: "control", weight: 50 },
  { key: "treatment", weight: 50 },
];

// The treatment spends more tokens and converts more often than the control.
const aggregates = {
  ...emptyAggregates(),
  exposures: { control: 1000, treatment: 1000 },
  metrics: {
    output_tokens: {
      control: { events: 1000, sum: 200_000, sumSquares: 44_000_000, entities: 1000 },
      treatment: { events: 1000, sum: 260_000, sumSquares: 72_000_000, entities: 1000 },
    },
    converted: {
      control: { events: 300, sum: 300, sumSquares: 300, entities: 300 },
      treatment: { events: 380, sum: 380, sumSquares: 380, entities: 380 },
    },
  },
};

function experiment(metrics: Metric[]): Experiment {
  return runningExperiment({
    variants: variants.map((variant) => ({ ...variant, config: null })),
    metrics,
  });
}

function treatmentOf(metrics: Metric[], name: string) {
  const results = buildResults(experiment(metrics), aggregates, {}, 0.05);
  const metric = results.metrics.find((entry) => entry.name === name);
  return { metric, comparison: metric?.variants[1]?.comparison };
}

describe("metric direction: schema", () => {
  it("is optional and, left out, reads as higher", () => {
    const parsed = experimentInputSchema.parse({
      key: "exp",
      variants,
      metrics: [{ name: "converted", kind: "binomial" }],
    });
    expect(parsed.metrics[0]?.direction).toBeUndefined();
    expect(metricDirection(parsed.metrics[0]!)).toBe("higher");
  });

  it("accepts lower and rejects any other word", () => {
    const lower = experimentInputSchema.parse({
      key: "exp",
      variants,
      metrics: [{ name: "output_tokens", kind: "mean", direction: "lower" }],
    });
    expect(lower.metrics[0]?.direction).toBe("lower");
    const wrong = experimentInputSchema.safeParse({
      key: "exp",
      variants,
      metrics: [{ name: "output_tokens", kind: "mean", direction: "down" }],
    });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(["metrics", 0, "direction"]);
  });

  it("follows a guardrail's harm when left out, and refuses to contradict it", () => {
    expect(
      metricDirection({
        guardrail: { harm: "increase", tolerance: 0, toleranceScale: "relative" },
      }),
    ).toBe("lower");
    expect(
      metricDirection({
        guardrail: { harm: "decrease", tolerance: 0, toleranceScale: "relative" },
      }),
    ).toBe("higher");
    const contradicting = experimentInputSchema.safeParse({
      key: "exp",
      variants,
      metrics: [
        { name: "latency", kind: "mean", direction: "higher", guardrail: { harm: "increase" } },
      ],
    });
    expect(contradicting.success).toBe(false);
    expect(contradicting.error?.issues[0]).toMatchObject({
      path: ["metrics", 0, "direction"],
      message: 'contradicts the guardrail: harm "increase"',
    });
    const agreeing = experimentInputSchema.safeParse({
      key: "exp",
      variants,
      metrics: [
        { name: "latency", kind: "mean", direction: "lower", guardrail: { harm: "increase" } },
      ],
    });
    expect(agreeing.success).toBe(true);
  });
});

describe("metric direction: results", () => {
  const higher = treatmentOf(
    [{ name: "output_tokens", kind: "mean", primary: false }],
    "output_tokens",
  );
  const lower = treatmentOf(
    [{ name: "output_tokens", kind: "mean", primary: false, direction: "lower" }],
    "output_tokens",
  );

  it("reads the chance to beat control as the chance of a lower value", () => {
    expect(higher.metric?.direction).toBe("higher");
    expect(lower.metric?.direction).toBe("lower");
    // 60 more tokens per user is clearly worse when lower is better.
    expect(higher.comparison?.chanceToBeatControl).toBeGreaterThan(0.99);
    expect(lower.comparison?.chanceToBeatControl).toBeLessThan(0.01);
    expect(lower.comparison?.chanceToBeatControl).toBeCloseTo(
      1 - (higher.comparison?.chanceToBeatControl ?? 0),
      12,
    );
  });

  it("keeps effects as treatment minus control", () => {
    expect(lower.comparison?.absolute).toEqual(higher.comparison?.absolute);
    expect(lower.comparison?.absolute.estimate).toBeCloseTo(60, 9);
    expect(lower.comparison?.relative).toEqual(higher.comparison?.relative);
    expect(lower.comparison?.pValue).toBe(higher.comparison?.pValue);
  });

  it("flips binomial chances too, and reads undeclared metrics as higher", () => {
    const { metric, comparison } = treatmentOf(
      [{ name: "converted", kind: "binomial", primary: false, direction: "lower" }],
      "converted",
    );
    expect(metric?.direction).toBe("lower");
    expect(comparison?.chanceToBeatControl).toBeLessThan(0.01);
    const undeclared = treatmentOf([], "converted");
    expect(undeclared.metric).toMatchObject({ declared: false, direction: "higher" });
    expect(undeclared.comparison?.chanceToBeatControl).toBeGreaterThan(0.99);
  });

  it("reads a guardrail whose harm is an increase as lower-is-better", () => {
    const { metric, comparison } = treatmentOf(
      [
        {
          name: "output_tokens",
          kind: "mean",
          primary: false,
          guardrail: { harm: "increase", tolerance: 0.05, toleranceScale: "relative" },
        },
      ],
      "output_tokens",
    );
    expect(metric?.direction).toBe("lower");
    expect(comparison?.chanceToBeatControl).toBeLessThan(0.01);
    expect(comparison?.guardrail?.status).toBe("harm");
  });
});

describe("metric direction: bandits", () => {
  it("favours the arm with the lower value when lower is better", () => {
    const metrics = (direction: "higher" | "lower"): Metric[] => [
      { name: "output_tokens", kind: "mean", primary: true, direction },
    ];
    const chances = (direction: "higher" | "lower") => {
      const bandit = experiment(metrics(direction));
      return banditChances(bandit, banditPosteriors(bandit, aggregates));
    };
    expect(chances("higher")[1]).toBeGreaterThan(0.99);
    expect(chances("lower")[0]).toBeGreaterThan(0.99);
    const converted = runningExperiment({
      variants: variants.map((variant) => ({ ...variant, config: null })),
      metrics: [{ name: "converted", kind: "binomial", primary: true, direction: "lower" }],
    });
    expect(banditChances(converted, banditPosteriors(converted, aggregates))[0]).toBeGreaterThan(
      0.99,
    );
  });
});
