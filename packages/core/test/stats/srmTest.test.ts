import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import { srmTest } from "../../src/stats/index.js";

// Expected values: scipy 1.17, scipy.stats.chisquare(f_obs, f_exp) over the weighted
// variants, f_exp = w / sum(w) * N; the p-value also recomputed in mpmath 1.3 at
// mp.mp.dps = 40 as mp.gammainc((k - 1)/2, chi/2, mp.inf, regularized=True) (the value used
// below where the two differ in the last digits).

function expectRel(actual: number, expected: number, tolerance = 1e-13): void {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThanOrEqual(
    tolerance,
  );
}

describe("srmTest", () => {
  it("finds nothing in a perfect split", () => {
    expect(srmTest([5000, 5000], [50, 50])).toEqual({
      chiSquare: 0,
      df: 1,
      pValue: 1,
      mismatch: false,
    });
  });

  it.each([
    // counts, weights, chi-square, df, p-value, mismatch
    [[5200, 4800], [50, 50], 16, 1, 6.334248366623985e-5, true],
    [[5100, 2400, 2500], [50, 25, 25], 6, 2, 0.049787068367863944, false],
    [[4000, 2100, 1900, 2000], [40, 20, 20, 20], 10, 3, 0.018566135463043233, false],
    [[1050, 8950], [10, 90], 2.7777777777777777, 1, 0.09558070454562942, false],
    [[6000, 4000], [50, 50], 400, 1, 5.5072482372124675e-89, true],
    // Either side of the 0.001 threshold
    [[5165, 4835], [50, 50], 10.89, 1, 0.0009668482847675545, true],
    [[5160, 4840], [50, 50], 10.24, 1, 0.001374275875831697, false],
  ])(
    "%j with weights %j: chi² %s, df %s, p %s",
    (counts, weights, chiSquare, df, pValue, mismatch) => {
      const result = srmTest(counts, weights);
      expectRel(result.chiSquare, chiSquare);
      expect(result.df).toBe(df);
      expectRel(result.pValue, pValue);
      expect(result.mismatch).toBe(mismatch);
    },
  );

  it("only uses the weights' ratios: percentages and fractions agree", () => {
    const percent = srmTest([5100, 2400, 2500], [50, 25, 25]);
    const fraction = srmTest([5100, 2400, 2500], [0.5, 0.25, 0.25]);
    expect(fraction.chiSquare).toBeCloseTo(percent.chiSquare, 12);
    expect(fraction.pValue).toBeCloseTo(percent.pValue, 14);
    expect(srmTest([5100, 2400, 2500], [2, 1, 1]).chiSquare).toBeCloseTo(6, 12);
  });

  it("leaves out variants with weight 0, and their users", () => {
    // chisquare([5000, 4900], [4950, 4950]): statistic 1.0101010101010102, p 0.3148786413364199
    const result = srmTest([5000, 4900, 37], [50, 50, 0]);
    expectRel(result.chiSquare, 1.0101010101010102);
    expect(result.df).toBe(1);
    expectRel(result.pValue, 0.3148786413364199);
  });

  it("gives p = 1 with fewer than two weighted variants or no users", () => {
    expect(srmTest([100, 7], [100, 0])).toEqual({
      chiSquare: 0,
      df: 0,
      pValue: 1,
      mismatch: false,
    });
    expect(srmTest([0, 0, 0], [34, 33, 33])).toEqual({
      chiSquare: 0,
      df: 2,
      pValue: 1,
      mismatch: false,
    });
    expect(srmTest([], [])).toEqual({ chiSquare: 0, df: 0, pValue: 1, mismatch: false });
  });

  it("rejects mismatched lengths and bad numbers", () => {
    expect(() => srmTest([1, 2, 3], [50, 50])).toThrowError(ValidationError);
    expect(() => srmTest([1, 2, 3], [50, 50])).toThrowError(
      "Invalid srmTest input: weights: must have one weight per count (2 weights for 3 counts)",
    );
    expect(() => srmTest([1, -2], [50, 50])).toThrowError("counts.1");
    expect(() => srmTest([1, 2], [50, Number.NaN])).toThrowError("weights.1");
    expect(() => srmTest([1, 2], [-50, 150])).toThrowError("weights.0");
  });
});
