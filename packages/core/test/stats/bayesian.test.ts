import { describe, expect, it } from "vitest";
import {
  bayesianBinomial,
  bayesianNormal,
  betaDensity,
  chanceToBeatControl,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  standardNormal,
} from "../../src/stats/index.js";
import { binomial, seededRandom } from "./binomialSimulation.js";

// --- Independent references: exact Beta CDFs (TOMS 708 incomplete beta), integrated over the
// control's density with composite Simpson on 4,000 panels, rather than the grid's tables. ---

type Arm = { n: number; conversions: number };
const shapes = ({ n, conversions }: Arm) => [1 + conversions, 1 + n - conversions] as const;

// ∫ f_C(c) g(c) dc over the control's posterior (mean ∓ 15 sd, clipped to [0, 1]).
function overControl(control: Arm, g: (c: number) => number): number {
  const [a, b] = shapes(control);
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const lo = Math.max(0, mean - 15 * sd);
  const hi = Math.min(1, mean + 15 * sd);
  const density = betaDensity(a, b);
  const panels = 4000;
  const h = (hi - lo) / panels;
  let sum = 0;
  for (let i = 0; i <= panels; i++) {
    const x = lo + i * h;
    const weight = i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * density(x) * g(x);
  }
  return (sum * h) / 3;
}

const betaCdf = (arm: Arm, x: number) => regularizedIncompleteBeta(x, ...shapes(arm));
// P(T - C <= d) and P((T - C) / C <= r).
const differenceCdf = (c: Arm, t: Arm, d: number) => overControl(c, (x) => betaCdf(t, x + d));
const relativeCdf = (c: Arm, t: Arm, r: number) => overControl(c, (x) => betaCdf(t, x * (1 + r)));
// E[max(C - T, 0)] = ∫ f_C(c) (c I_c(a, b) - E[T] I_c(a + 1, b)) dc.
function treatmentWorse(c: Arm, t: Arm): number {
  const [a, b] = shapes(t);
  return overControl(
    c,
    (x) =>
      x * regularizedIncompleteBeta(x, a, b) -
      (a / (a + b)) * regularizedIncompleteBeta(x, a + 1, b),
  );
}

describe("bayesianBinomial", () => {
  const cases: [string, Arm, Arm][] = [
    [
      "10% vs 12% on 1,000 users each",
      { n: 1000, conversions: 100 },
      { n: 1000, conversions: 120 },
    ],
    ["a 95/5 split at 1%", { n: 9500, conversions: 95 }, { n: 500, conversions: 3 }],
    ["a control without conversions", { n: 200, conversions: 0 }, { n: 200, conversions: 2 }],
    ["a million users per arm", { n: 1e6, conversions: 10_000 }, { n: 1e6, conversions: 10_200 }],
  ];

  it.each(cases)("matches exact Beta integrals: %s", (_, control, treatment) => {
    const result = bayesianBinomial(control, treatment);
    if (!result) throw new Error("expected a result");
    const [aC, bC] = shapes(control);
    const [aT, bT] = shapes(treatment);
    expect(result.absolute.estimate).toBeCloseTo(aT / (aT + bT) - aC / (aC + bC), 12);
    const [low, high] = result.absolute.ci;
    expect(differenceCdf(control, treatment, low)).toBeCloseTo(0.025, 4);
    expect(differenceCdf(control, treatment, high)).toBeCloseTo(0.975, 4);
    const relative = result.relative;
    if (!relative) throw new Error("expected a relative interval");
    expect(relativeCdf(control, treatment, relative.ci[0])).toBeCloseTo(0.025, 4);
    expect(relativeCdf(control, treatment, relative.estimate)).toBeCloseTo(0.5, 4);
    expect(relativeCdf(control, treatment, relative.ci[1])).toBeCloseTo(0.975, 4);
    expect(result.chanceToBeatControl).toBe(chanceToBeatControl(control, treatment));
    const ship = treatmentWorse(control, treatment);
    expect(Math.abs(result.expectedLoss.ship - ship)).toBeLessThan(1e-4 * ship + 1e-12);
    // Expected-loss identity: ship - keepControl = -(E[T] - E[C]) when higher is better.
    expect(result.expectedLoss.ship - result.expectedLoss.keepControl).toBeCloseTo(
      -result.absolute.estimate,
      8,
    );
  });

  it("reads a lower-is-better metric the other way", () => {
    const control = { n: 1000, conversions: 100 };
    const treatment = { n: 1000, conversions: 120 };
    const higher = bayesianBinomial(control, treatment);
    const lower = bayesianBinomial(control, treatment, { direction: "lower" });
    expect(lower?.chanceToBeatControl).toBeCloseTo(1 - (higher?.chanceToBeatControl ?? 0), 12);
    expect(lower?.expectedLoss).toEqual({
      ship: higher?.expectedLoss.keepControl,
      keepControl: higher?.expectedLoss.ship,
    });
    // In the better (lower) direction the treatment's mean gain is -(T - C).
    expect((lower?.expectedLoss.ship ?? 0) - (lower?.expectedLoss.keepControl ?? 0)).toBeCloseTo(
      lower?.absolute.estimate ?? Number.NaN,
      8,
    );
    expect(lower?.absolute).toEqual(higher?.absolute);
  });

  it("is null when an arm has no users, and checks its input", () => {
    expect(bayesianBinomial({ n: 0, conversions: 0 }, { n: 10, conversions: 1 })).toBeNull();
    expect(() => bayesianBinomial({ n: 10, conversions: 11 }, { n: 10, conversions: 1 })).toThrow(
      /conversions/,
    );
  });
});

describe("bayesianNormal", () => {
  it("gives the normal closed forms", () => {
    const result = bayesianNormal({ mean: 10, se: 0.3 }, { mean: 11, se: 0.3 });
    // m = 1, s = sqrt(0.09 + 0.09) = 0.4242641; z_0.975 = 1.959964:
    // ci = 1 ∓ 0.8315423; Φ(1 / 0.4242641) = Φ(2.3570226) = 0.9907889 (R: pnorm(2.3570226)).
    expect(result?.absolute.estimate).toBe(1);
    expect(result?.absolute.ci[0]).toBeCloseTo(0.1684577, 6);
    expect(result?.absolute.ci[1]).toBeCloseTo(1.8315423, 6);
    expect(result?.chanceToBeatControl).toBeCloseTo(0.9907889, 6);
    // E[max(-D, 0)] by the trapezoid rule over D's density, 20,000 panels over m ∓ 12 s.
    const s = Math.hypot(0.3, 0.3);
    let integral = 0;
    const h = (24 * s) / 20_000;
    for (let i = 0; i <= 20_000; i++) {
      const d = 1 - 12 * s + i * h;
      const density = Math.exp(-(((d - 1) / s) ** 2) / 2) / (s * Math.sqrt(2 * Math.PI));
      integral += (i === 0 || i === 20_000 ? 0.5 : 1) * Math.max(-d, 0) * density * h;
    }
    expect(result?.expectedLoss.ship).toBeCloseTo(integral, 8);
    expect(result?.expectedLoss.ship).toBeCloseTo(0.0013127, 6);
    expect((result?.expectedLoss.ship ?? 0) - (result?.expectedLoss.keepControl ?? 0)).toBeCloseTo(
      -1,
      10,
    );
  });

  it("gives the relative difference in closed form when the control is far from 0", () => {
    // 20 se from 0: T - (1 + r) C is normal, so P((T - C) / C <= r) is
    // Φ(((1 + r) m_C - m_T) / sqrt(se_T² + (1 + r)² se_C²)) (Fieller).
    const control = { mean: 10, se: 0.5 };
    const treatment = { mean: 11, se: 0.4 };
    const exact = (r: number) => normalCdf(((1 + r) * 10 - 11) / Math.hypot(0.4, (1 + r) * 0.5));
    const relative = bayesianNormal(control, treatment, { alpha: 0.1 })?.relative;
    if (!relative) throw new Error("expected a relative interval");
    expect(exact(relative.ci[0])).toBeCloseTo(0.05, 9);
    expect(exact(relative.estimate)).toBeCloseTo(0.5, 9);
    expect(exact(relative.ci[1])).toBeCloseTo(0.95, 9);
  });

  it.each([
    ["a control 5 se from 0", { mean: 5, se: 1 }, { mean: 5.5, se: 0.6 }],
    ["a control ten times noisier", { mean: 5, se: 1 }, { mean: 5.3, se: 0.1 }],
    ["a negative control", { mean: -3, se: 0.8 }, { mean: -2.5, se: 0.6 }],
  ])("integrates the relative difference nearer 0: %s", (_, control, treatment) => {
    // Reference, integrating over T instead of C: for |r| < 1, c + r|c| is increasing in c,
    // so T <= C + r|C| is C >= t / (1 + r) for t >= 0 and C >= t / (1 - r) for t < 0.
    // Simpson over t, 20,000 panels across m_T ∓ 12 se_T.
    const reference = (r: number) => {
      const panels = 20_000;
      const lo = treatment.mean - 12 * treatment.se;
      const h = (24 * treatment.se) / panels;
      let sum = 0;
      for (let i = 0; i <= panels; i++) {
        const t = lo + i * h;
        const density =
          Math.exp(-(((t - treatment.mean) / treatment.se) ** 2) / 2) /
          (treatment.se * Math.sqrt(2 * Math.PI));
        const threshold = t >= 0 ? t / (1 + r) : t / (1 - r);
        const above = normalCdf(-(threshold - control.mean) / control.se);
        sum += (i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2) * density * above;
      }
      return (sum * h) / 3;
    };
    const relative = bayesianNormal(control, treatment, { alpha: 0.1 })?.relative;
    if (!relative) throw new Error("expected a relative interval");
    expect(Math.abs(relative.ci[0])).toBeLessThan(1);
    expect(Math.abs(relative.ci[1])).toBeLessThan(1);
    expect(reference(relative.ci[0])).toBeCloseTo(0.05, 5);
    expect(reference(relative.estimate)).toBeCloseTo(0.5, 5);
    expect(reference(relative.ci[1])).toBeCloseTo(0.95, 5);
  });

  it("has no relative view when the control cannot be told from 0", () => {
    expect(bayesianNormal({ mean: 0.5, se: 0.3 }, { mean: 1, se: 0.3 })?.relative).toBeNull();
    expect(bayesianNormal({ mean: 0, se: 0 }, { mean: 1, se: 0.3 })?.relative).toBeNull();
  });

  it("reads a lower-is-better metric the other way", () => {
    const result = bayesianNormal(
      { mean: 10, se: 0.3 },
      { mean: 11, se: 0.3 },
      { direction: "lower" },
    );
    expect(result?.chanceToBeatControl).toBeCloseTo(1 - 0.9907889, 6);
    // Shipping a treatment 1 higher on a lower-is-better metric costs about 1.
    expect(result?.expectedLoss.ship).toBeCloseTo(1.0013127, 6);
    expect((result?.expectedLoss.ship ?? 0) - (result?.expectedLoss.keepControl ?? 0)).toBeCloseTo(
      1,
      10,
    );
  });
});

// Frequentist coverage of the credible intervals, over seeded experiments: with flat priors
// and these sizes it should be close to 1 - alpha.
describe("credible-interval coverage", () => {
  const runs = 1000;
  // 1,000 runs: the standard error of a 95% coverage is 0.007.
  const near = (coverage: number, level: number) => {
    expect(coverage).toBeGreaterThanOrEqual(level - 0.02);
    expect(coverage).toBeLessThanOrEqual(level + 0.02);
  };

  it.each([
    [0.1, 0.05],
    [0.05, 0.05],
    [0.1, 0.1],
    [0.05, 0.1],
  ])("binomial at 1 percent: treatment share %s, alpha %s", { timeout: 60_000 }, (share, alpha) => {
    const next = seededRandom(Math.round(share * 1000 + alpha * 100));
    const users = 40_000;
    const [rateC, rateT] = [0.01, 0.012];
    const nT = Math.round(users * share);
    const nC = users - nT;
    let absolute = 0;
    let relative = 0;
    for (let run = 0; run < runs; run++) {
      const control = { n: nC, conversions: binomial(nC, rateC, next) };
      const treatment = { n: nT, conversions: binomial(nT, rateT, next) };
      const result = bayesianBinomial(control, treatment, { alpha });
      const [low, high] = result?.absolute.ci ?? [0, 0];
      if (low <= rateT - rateC && rateT - rateC <= high) absolute++;
      const [rLow, rHigh] = result?.relative?.ci ?? [0, 0];
      if (rLow <= 0.2 && 0.2 <= rHigh) relative++;
    }
    near(absolute / runs, 1 - alpha);
    near(relative / runs, 1 - alpha);
  });

  it.each([
    [0.1, 0.05],
    [0.05, 0.05],
    [0.1, 0.1],
    [0.05, 0.1],
  ])(
    "skewed (lognormal) mean: treatment share %s, alpha %s",
    { timeout: 60_000 },
    (share, alpha) => {
      const next = seededRandom(Math.round(share * 3000 + alpha * 300));
      const users = 20_000;
      const nT = Math.round(users * share);
      const nC = users - nT;
      // Revenue-like per-user values: lognormal(0, 1), the treatment 5% higher.
      const arm = (n: number, scale: number) => {
        let sum = 0;
        let sumSquares = 0;
        for (let i = 0; i < n; i++) {
          const value = scale * Math.exp(standardNormal(next));
          sum += value;
          sumSquares += value * value;
        }
        const mean = sum / n;
        return { mean, se: Math.sqrt((sumSquares - n * mean * mean) / (n - 1) / n) };
      };
      const trueMean = Math.exp(0.5);
      let absolute = 0;
      let relative = 0;
      for (let run = 0; run < runs; run++) {
        const result = bayesianNormal(arm(nC, 1), arm(nT, 1.05), { alpha });
        const [low, high] = result?.absolute.ci ?? [0, 0];
        if (low <= 0.05 * trueMean && 0.05 * trueMean <= high) absolute++;
        const [rLow, rHigh] = result?.relative?.ci ?? [0, 0];
        if (rLow <= 0.05 && 0.05 <= rHigh) relative++;
      }
      near(absolute / runs, 1 - alpha);
      near(relative / runs, 1 - alpha);
    },
  );

  it("z at the level asked", () => {
    // alpha = 0.1: m ∓ 1.644854 s.
    const result = bayesianNormal({ mean: 0, se: 1 }, { mean: 0, se: 0 }, { alpha: 0.1 });
    expect(result?.absolute.ci[1]).toBeCloseTo(normalQuantile(0.95), 12);
    expect(result?.absolute.ci[1]).toBeCloseTo(1.644854, 6);
  });
});
