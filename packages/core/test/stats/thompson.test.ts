import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import {
  betaDensity,
  chanceToBeatControl,
  chanceToBeBest,
  normalCdf,
  type Posterior,
} from "../../src/stats/index.js";

// Three-arm references: mpmath 1.3 at mp.dps = 30,
//   mp.quad(lambda x: x**(a-1)*(1-x)**(b-1)/mp.beta(a,b) * Π_j mp.betainc(c, d, 0, x,
//   regularized=True), points) with the points each arm's mean ± k sd, k = -40..40;
// normal arms the same with mp.npdf and mp.ncdf.

const beta = (n: number, conversions: number): Posterior => ({
  kind: "beta",
  alpha: 1 + conversions,
  beta: 1 + n - conversions,
});

describe("chanceToBeBest", () => {
  // The Monte Carlo estimate (10,000 draws) it replaces was off by up to 0.0175 for the same
  // data, against a documented bound of 0.005.
  it.each([
    [0, 0, 1, 1],
    [1000, 50, 1000, 80],
    [1000, 100, 1000, 120],
    [100, 0, 5000, 50],
    [1_000_000, 10_000, 1_000_000, 10_100],
    [10, 3, 1_000_000, 300_000],
    [10_000_000, 100_000, 1000, 10],
    [100_000, 500, 100_000, 700],
    [50, 1, 50_000, 400],
  ])("two arms: %i/%i against %i/%i is the exact closed form", (nC, kC, nT, kT) => {
    const [control, treatment] = chanceToBeBest([beta(nC, kC), beta(nT, kT)]);
    const exact = chanceToBeatControl({ n: nC, conversions: kC }, { n: nT, conversions: kT });
    expect(Math.abs(treatment! - exact)).toBeLessThan(1e-9);
    expect(control! + treatment!).toBeCloseTo(1, 14);
  });

  it("three arms match 30-digit quadrature", () => {
    const chances = chanceToBeBest([beta(1000, 50), beta(1000, 60), beta(1000, 55)]);
    const expected = [0.10164096891542221, 0.619993140469126, 0.27836589061545175];
    for (const [i, chance] of chances.entries()) {
      expect(Math.abs(chance - expected[i]!)).toBeLessThan(1e-10);
    }
    // Uniform, Beta(2, 1), Beta(1, 2): ∫ x² (2x - x²) dx = 0.3 for the uniform, and so on.
    const small = chanceToBeBest([beta(0, 0), beta(1, 1), beta(1, 0)]);
    for (const [i, chance] of small.entries()) expect(chance).toBeCloseTo([0.3, 0.6, 0.1][i]!, 13);
  });

  it("normal arms: two match Φ of the difference, three match quadrature", () => {
    const two = chanceToBeBest([
      { kind: "normal", mean: 1, sd: 0.3 },
      { kind: "normal", mean: 1.2, sd: 0.001 },
    ]);
    expect(two[1]).toBeCloseTo(normalCdf(0.2 / Math.hypot(0.3, 0.001)), 13);
    const three = chanceToBeBest([
      { kind: "normal", mean: 1, sd: 0.2 },
      { kind: "normal", mean: 1.1, sd: 0.05 },
      { kind: "normal", mean: 0.9, sd: 0.5 },
    ]);
    const expected = NORMAL_REFERENCE;
    for (const [i, chance] of three.entries()) {
      expect(Math.abs(chance - expected[i]!)).toBeLessThan(1e-10);
    }
  });

  it("gives identical arms equal chances, and one arm all of it", () => {
    for (const chance of chanceToBeBest([beta(500, 20), beta(500, 20), beta(500, 20)])) {
      expect(chance).toBeCloseTo(1 / 3, 13);
    }
    expect(chanceToBeBest([beta(10, 1)])).toEqual([1]);
    expect(chanceToBeBest([])).toEqual([]);
  });

  it("keeps shapes below 1 (a pole at 0 or 1) to about 1e-6", () => {
    // P(Beta(0.5, 0.5) > U) = E[Beta(0.5, 0.5)] = 0.5.
    const [arcsine] = chanceToBeBest([
      { kind: "beta", alpha: 0.5, beta: 0.5 },
      { kind: "beta", alpha: 1, beta: 1 },
    ]);
    expect(Math.abs(arcsine! - 0.5)).toBeLessThan(1e-6);
  });

  it("rejects posteriors that are not distributions", () => {
    expect(() => chanceToBeBest([beta(1, 1), { kind: "beta", alpha: 0, beta: 1 }])).toThrowError(
      ValidationError,
    );
    expect(() =>
      chanceToBeBest([beta(1, 1), { kind: "normal", mean: 0, sd: Number.NaN }]),
    ).toThrowError("Invalid chanceToBeBest input: 1.sd");
    expect(() =>
      chanceToBeBest([{ kind: "normal", mean: Number.POSITIVE_INFINITY, sd: 1 }, beta(1, 1)]),
    ).toThrowError("0.mean");
  });
});

describe("betaDensity", () => {
  it("matches the density, also for huge shapes", () => {
    expect(betaDensity(2, 3)(0.5)).toBeCloseTo(1.5, 14);
    expect(betaDensity(1, 5)(0)).toBe(5);
    expect(betaDensity(2, 5)(1)).toBe(0);
    expect(betaDensity(2, 5)(1.5)).toBe(0);
    // Beta(1e6, 1e6) at its mean, mpmath: 0.5**(2a - 2) / mp.beta(a, a).
    expect(betaDensity(1e6, 1e6)(0.5) / 1128.3790260481255).toBeCloseTo(1, 11);
  });
});

const NORMAL_REFERENCE = [0.23007038104586608, 0.45240223031287363, 0.3175273886412603];
