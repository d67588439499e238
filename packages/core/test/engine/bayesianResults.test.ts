import { describe, expect, it } from "vitest";
import { buildResults } from "../../src/engine/results/buildResults.js";
import { bayesianBinomial, normalCdf, normalQuantile, ratioTest } from "../../src/stats/index.js";
import { emptyAggregates } from "../../src/store/aggregates.js";
import { runningExperiment } from "../support/experiment.js";

const experiment = runningExperiment({
  metrics: [
    { name: "thumbs_up", kind: "binomial", primary: true },
    { name: "tokens", kind: "sum", primary: false, direction: "lower" },
    { name: "per_turn", kind: "ratio", primary: false, numerator: "tokens", denominator: "turns" },
  ],
});

const aggregates = {
  ...emptyAggregates(),
  exposures: { A: 1000, B: 1000 },
  metrics: {
    thumbs_up: {
      A: { events: 100, sum: 100, sumSquares: 100, entities: 100 },
      B: { events: 120, sum: 120, sumSquares: 120, entities: 120 },
    },
    // Per-user tokens: mean 50 and 45, sample variance (sumSquares - sum²/n) / (n - 1) = 100.
    tokens: {
      A: { events: 1000, sum: 50_000, sumSquares: 999 * 100 + 2_500_000, entities: 1000 },
      B: { events: 1000, sum: 45_000, sumSquares: 999 * 100 + 2_025_000, entities: 1000 },
    },
    turns: {
      A: { events: 1000, sum: 5000, sumSquares: 30_000, entities: 1000 },
      B: { events: 1000, sum: 5000, sumSquares: 30_000, entities: 1000 },
    },
  },
  crossProducts: { tokens: { turns: { A: 260_000, B: 235_000 } } },
};

describe("the Bayesian view in results", () => {
  const results = buildResults(experiment, aggregates, {}, 0.05);
  const comparison = (name: string) =>
    results.metrics.find((metric) => metric.name === name)?.variants[1]?.comparison;

  it("reads a binomial metric on Beta(1, 1) posteriors", () => {
    const bayesian = comparison("thumbs_up")?.bayesian;
    expect(bayesian).toEqual(
      bayesianBinomial({ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 }),
    );
    expect(bayesian?.prior).toMatch(/^Beta\(1, 1\)/);
    expect(bayesian?.chanceToBeatControl).toBe(comparison("thumbs_up")?.chanceToBeatControl);
  });

  it("reads a lower-is-better sum on normal posteriors, in its direction", () => {
    const bayesian = comparison("tokens")?.bayesian;
    // D = 45 - 50 = -5, s = sqrt(100/1000 + 100/1000) = 0.4472136: far below 0, so the
    // treatment (fewer tokens) is better with chance Φ(5 / 0.4472136) ≈ 1.
    const s = Math.sqrt(0.2);
    expect(bayesian?.absolute.estimate).toBeCloseTo(-5, 10);
    expect(bayesian?.absolute.ci[0]).toBeCloseTo(-5 - normalQuantile(0.975) * s, 10);
    expect(bayesian?.chanceToBeatControl).toBeCloseTo(normalCdf(5 / s), 12);
    // Shipping loses nothing in expectation; keeping the control loses the 5 tokens.
    expect(bayesian?.expectedLoss.ship).toBeLessThan(1e-20);
    expect(bayesian?.expectedLoss.keepControl).toBeCloseTo(5, 10);
    expect(bayesian?.relative?.estimate).toBeCloseTo(-0.1, 3);
  });

  it("reads a ratio metric on the delta method's normal posteriors", () => {
    const bayesian = comparison("per_turn")?.bayesian;
    const test = ratioTest(
      {
        n: 1000,
        sumNumerator: 50_000,
        sumNumerator2: 999 * 100 + 2_500_000,
        sumDenominator: 5000,
        sumDenominator2: 30_000,
        sumProducts: 260_000,
      },
      {
        n: 1000,
        sumNumerator: 45_000,
        sumNumerator2: 999 * 100 + 2_025_000,
        sumDenominator: 5000,
        sumDenominator2: 30_000,
        sumProducts: 235_000,
      },
    );
    expect(bayesian?.prior).toMatch(/delta-method/);
    expect(bayesian?.absolute.estimate).toBeCloseTo(9 - 10, 10);
    const s = Math.hypot(test.control.se ?? Number.NaN, test.treatment.se ?? Number.NaN);
    expect(bayesian?.absolute.ci[1]).toBeCloseTo(-1 + normalQuantile(0.975) * s, 10);
  });

  it("is null when an arm has no users", () => {
    const empty = buildResults(
      experiment,
      { ...emptyAggregates(), exposures: { A: 10 } },
      {},
      0.05,
    );
    expect(empty.metrics[0]?.variants[1]?.comparison?.bayesian).toBeNull();
  });
});

describe("the Bayesian view beside series and breakdowns", () => {
  it("is given for the whole experiment, and left out of slices and days", () => {
    const rates = (a: number, b: number) => ({
      A: { events: a, sum: a, sumSquares: a, entities: a },
      B: { events: b, sum: b, sumSquares: b, entities: b },
    });
    const results = buildResults(
      runningExperiment({ dimensions: ["country"] }),
      {
        ...emptyAggregates(),
        exposures: { A: 1000, B: 1000 },
        exposuresByDay: { "2026-03-01": { A: 1000, B: 1000 } },
        metrics: { thumbs_up: rates(100, 120) },
        metricsByDay: {
          thumbs_up: {
            "2026-03-01": {
              A: { sum: 100, sumSquares: 100, entities: 100 },
              B: { sum: 120, sumSquares: 120, entities: 120 },
            },
          },
        },
        slices: {
          country: {
            none: { exposures: { A: 1000, B: 1000 }, metrics: { thumbs_up: rates(100, 120) } },
          },
        },
      },
      {},
      0.05,
    );
    const whole = results.metrics[0]?.variants[1]?.comparison;
    expect(whole?.bayesian?.chanceToBeatControl).toBeGreaterThan(0.5);
    const slice = results.dimensions[0]?.slices[0]?.metrics[0]?.variants[1]?.comparison;
    // The slice holds the same numbers as the whole: same p-value, no Bayesian view.
    expect(slice?.pValue).toBe(whole?.pValue);
    expect(slice?.bayesian).toBeNull();
    expect(results.metrics[0]?.effectOverTime).toHaveLength(1);
  });
});
