import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import { sampleVariance, type TestResult, welchTest } from "../../src/stats/index.js";

// Expected values: mpmath 1.3 at mp.mp.dps = 50 from the exact doubles the test passes
// (Fraction(float(x)) for every input): mean = sum/n, s² = (sumSquares - sum²/n)/(n-1),
// se = sqrt(s²_c/n_c + s²_t/n_t), Welch-Satterthwaite df, p = I_{df/(df+t²)}(df/2, 1/2),
// critical value by mp.findroot on the t CDF. The relative interval is the log ratio's,
// expm1(ln(m_t/m_c) ∓ q·s) with s² = s²_t/(n_t m_t²) + s²_c/(n_c m_c²), and its p-value
// 2·P(T_df > |ln(m_t/m_c)/s|), same df. Each case also names the scipy 1.17 call it agrees
// with (for the absolute effect).

interface Expected {
  diff: number;
  lo: number;
  hi: number;
  p: number;
  df: number;
  se: number;
  r: number;
  rlo: number;
  rhi: number;
  rp: number;
}

// Relative error, measured against `scale` (|expected| by default): interval ends near 0
// are measured against the interval's width instead, since their digits cancel.
function expectClose(
  actual: number | null | undefined,
  expected: number,
  tolerance: number,
  scale = Math.abs(expected),
) {
  expect(actual).toBeTypeOf("number");
  const error = Math.abs((actual as number) - expected) / Math.max(scale, 1e-300);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

function expectResult(result: TestResult, expected: Expected, tolerance = 1e-12): void {
  const width = expected.hi - expected.lo;
  const relativeWidth = expected.rhi - expected.rlo;
  expectClose(result.absolute.estimate, expected.diff, tolerance);
  expectClose(
    result.absolute.ci?.[0],
    expected.lo,
    tolerance,
    Math.max(Math.abs(expected.lo), width),
  );
  expectClose(
    result.absolute.ci?.[1],
    expected.hi,
    tolerance,
    Math.max(Math.abs(expected.hi), width),
  );
  expectClose(result.pValue, expected.p, tolerance);
  expectClose(result.df, expected.df, tolerance);
  expectClose(result.se, expected.se, tolerance);
  expectClose(result.relative?.estimate, expected.r, tolerance);
  expectClose(
    result.relative?.ci?.[0],
    expected.rlo,
    tolerance,
    Math.max(Math.abs(expected.rlo), relativeWidth),
  );
  expectClose(
    result.relative?.ci?.[1],
    expected.rhi,
    tolerance,
    Math.max(Math.abs(expected.rhi), relativeWidth),
  );
  expectClose(result.relative?.pValue, expected.rp, tolerance);
}

describe("welchTest", () => {
  // control = [12, 15, 9, 11, 14, 10, 13, 16, 8, 12],
  // treatment = [14, 18, 11, 15, 17, 13, 16, 19, 12, 15, 20]
  // scipy.stats.ttest_ind(treatment, control, equal_var=False): statistic 2.900284552494271,
  // pvalue 0.00917332673194748, df 18.99891037972749 (fractional), confidence_interval(0.95)
  // (0.9615229013268936, 5.9475680077640165), confidence_interval(0.99)
  // (0.046848535046676076, 6.862242374044234).
  const control = { n: 10, sum: 120, sumSquares: 1500 };
  const treatment = { n: 11, sum: 170, sumSquares: 2710 };

  it("matches a hand-checked small sample with fractional df", () => {
    expectResult(welchTest(control, treatment), {
      diff: 3.4545454545454546,
      lo: 0.9615229013268928,
      hi: 5.9475680077640165,
      p: 0.00917332673194747,
      df: 18.99891037972749,
      se: 1.1911056973959726,
      r: 0.2878787878787879,
      rlo: 0.07079442169004498,
      rhi: 0.5489731162871596,
      rp: 0.009834009926123884,
    });
  });

  it("honours alpha", () => {
    expectResult(welchTest(control, treatment, { alpha: 0.01 }), {
      diff: 3.4545454545454546,
      lo: 0.04684853504667423,
      hi: 6.862242374044235,
      p: 0.00917332673194747,
      df: 18.99891037972749,
      se: 1.1911056973959726,
      r: 0.2878787878787879,
      rlo: 0.0006740468340856604,
      rhi: 0.6575145298468417,
      rp: 0.009834009926123884,
    });
  });

  it("handles an unequal 10/90 split", () => {
    // Control: n 1000, mean 10, sd 3; treatment: n 9000, mean 10.2, sd 3.5; sumSquares =
    // (n-1) sd² + sum²/n. scipy.stats.ttest_ind_from_stats(10.2, 3.5, 9000, 10, 3, 1000,
    // equal_var=False): statistic 1.9648383679917318, pvalue 0.049642319054258054.
    const result = welchTest(
      { n: 1000, sum: 10_000, sumSquares: 108_991 },
      { n: 9000, sum: 91_800, sumSquares: 1_046_597.75 },
    );
    expectResult(result, {
      diff: 0.2,
      lo: 0.0003131545489477732,
      hi: 0.3996868454510522,
      p: 0.04964231905425723,
      df: 1320.6624449292897,
      se: 0.10178954323068314,
      r: 0.02,
      rlo: -0.0001150538628281264,
      rhi: 0.04051971581265307,
      rp: 0.051336283016866296,
    });
  });

  it("keeps extreme p-values accurate (p ~ 1e-12)", () => {
    // n 50 per arm, sd 2, means 10 and 13.25. scipy.stats.ttest_ind_from_stats(13.25, 2, 50,
    // 10, 2, 50, equal_var=False).pvalue = 1.3718662807780213e-12.
    const result = welchTest(
      { n: 50, sum: 500, sumSquares: 5196 },
      { n: 50, sum: 662.5, sumSquares: 8974.125 },
    );
    expectResult(result, {
      diff: 3.25,
      lo: 2.4562130181966073,
      hi: 4.043786981803393,
      p: 1.371866280778022e-12,
      df: 98,
      se: 0.4,
      r: 0.325,
      rlo: 0.23502568134248106,
      rhi: 0.4215291443102819,
      rp: 3.3802458959759545e-12,
    });
  });

  it("handles 10^7 users per arm", () => {
    // Control mean 1, sd 2; treatment mean 1.002, sd 2.01. scipy.stats.ttest_ind_from_stats(
    // 1.002, 2.01, 10**7, 1, 2, 10**7, equal_var=False).pvalue = 0.02571528565692989.
    const result = welchTest(
      { n: 10_000_000, sum: 10_000_000, sumSquares: 49_999_996 },
      { n: 10_000_000, sum: 10_020_000, sumSquares: 50_441_035.9599 },
    );
    expectResult(
      result,
      {
        diff: 0.002,
        lo: 0.00024256673518866613,
        hi: 0.003757433264811334,
        p: 0.025715285656930036,
        df: 19999500.509268895,
        se: 0.0008966660470877662,
        r: 0.002,
        rlo: 0.00024236055948595602,
        rhi: 0.003760727988374707,
        rp: 0.025714720884156054,
      },
      1e-9, // the sums' own rounding (1e-16 of 5e7) moves a difference of 0.002 by 1e-12
    );
  });

  it("gives p = 1 and a symmetric interval for identical arms", () => {
    const result = welchTest(control, control);
    expect(result.absolute.estimate).toBe(0);
    expect(result.pValue).toBe(1);
    const [lo, hi] = result.absolute.ci!;
    expect(lo).toBeCloseTo(-hi, 14);
    // mpmath as above: the log ratio's interval is asymmetric, wider upwards.
    expect(result.relative?.estimate).toBe(0);
    expect(result.relative?.pValue).toBe(1);
    expectClose(result.relative?.ci?.[0], -0.18303687320290554, 1e-12);
    expectClose(result.relative?.ci?.[1], 0.224045452235405, 1e-12);
  });

  describe("tiny variance next to a large mean", () => {
    it("is exact for values 1e7 and 1e7 + 1 where sum²/n loses 5%", () => {
      // control = [1e7] * 40 + [1e7 + 1] * 40, treatment = [1e7 + 1] * 40 + [1e7 + 2] * 40;
      // every sum is an exact double. Exact s² = Fraction(ss - Fraction(s*s, n), n - 1) =
      // 0.25316455696202533; the naive (ss - s*s/n)/(n-1) in float64 gives 0.26582278481012656.
      // scipy.stats.ttest_ind(treatment, control, equal_var=False): statistic
      // 12.569805089976533, pvalue 1.473655361081087e-25, df 158.0.
      const c = { n: 80, sum: 800_000_040, sumSquares: 8_000_000_800_000_040 };
      const t = { n: 80, sum: 800_000_120, sumSquares: 8_000_002_400_000_200 };
      expect(sampleVariance(c)).toBe(0.25316455696202533);
      expect((c.sumSquares - (c.sum * c.sum) / c.n) / (c.n - 1)).toBe(0.26582278481012656);
      expectResult(welchTest(c, t), {
        diff: 1,
        lo: 0.842870111463616,
        hi: 1.157129888536384,
        p: 1.4736553610810985e-25,
        df: 158,
        se: 0.07955572841757301,
        r: 9.999999500000026e-8,
        rlo: 8.428700626981087e-8,
        rhi: 1.1571298397708763e-7,
        rp: 1.47365536108144e-25,
      });
    });

    it("is exact for values near 1e9 whose sums are exact doubles", () => {
      // control = [1e9 + d for d in (0, 16, 32, 48)], treatment = [1e9 + d for d in (16, 32,
      // 48, 64)]: sums of squares near 4e18 that float64 holds exactly (so the BigInt
      // literals convert without rounding). Exact s² = 1280/3 = 426.6666666666667; both
      // (ss - s*s/n)/(n-1) and (ss - s*mean)/(n-1) give 512 in float64. scipy.stats.ttest_ind(treatment, control, equal_var=False): statistic
      // 1.0954451150103324, pvalue 0.3153335962012296, df 6.0.
      const c = { n: 4, sum: 4_000_000_096, sumSquares: Number(4_000_000_192_000_003_584n) };
      const t = { n: 4, sum: 4_000_000_160, sumSquares: Number(4_000_000_320_000_007_680n) };
      expect(sampleVariance(c)).toBe(426.6666666666667);
      expect((c.sumSquares - c.sum * (c.sum / c.n)) / (c.n - 1)).toBe(512);
      expectResult(welchTest(c, t), {
        diff: 16,
        lo: -19.739435122635285,
        hi: 51.739435122635285,
        p: 0.31533359620122975,
        df: 6,
        se: 14.60593486680443,
        r: 1.599999961600001e-8,
        rlo: -1.973943429615075e-8,
        rhi: 5.1739434805457933e-8,
        rp: 0.31533359620122975,
      });
    });

    it("never goes negative or NaN when the inputs themselves are rounded", () => {
      // 500 users at 1e9 and 500 at 1e9 + 1, summed in float64 as a store would: the exact
      // sum of squares 1000000001000000000500 arrives as 1.0000000010000092e21, which no
      // formula can undo (float64 holds 1e21 to +-65536). The variance is then clamped at 0
      // or finite, never NaN.
      const side = { n: 1000, sum: 1_000_000_000_500, sumSquares: 1.0000000010000092e21 };
      const variance = sampleVariance(side)!;
      expect(Number.isFinite(variance) && variance >= 0).toBe(true);
      const identical = sampleVariance({ n: 2, sum: 2e9 + 1, sumSquares: 2e18 + 2e9 }); // -1 -> 0
      expect(identical).toBe(0);
      const result = welchTest(side, { ...side, sum: side.sum + 1000 });
      expect(Number.isNaN(result.pValue)).toBe(false);
    });
  });

  describe("degenerate inputs give nulls, never NaN", () => {
    it("n = 1 on a side: estimates but no test", () => {
      const result = welchTest({ n: 1, sum: 5, sumSquares: 25 }, treatment);
      expect(result).toEqual({
        absolute: { estimate: 170 / 11 - 5, ci: null },
        relative: { estimate: (170 / 11 - 5) / 5, ci: null, pValue: null },
        pValue: null,
        df: null,
        se: null,
      });
    });

    it("n = 0 on a side: no estimate either", () => {
      const result = welchTest({ n: 0, sum: 0, sumSquares: 0 }, treatment);
      expect(result).toEqual({
        absolute: { estimate: null, ci: null },
        relative: null,
        pValue: null,
        df: null,
        se: null,
      });
    });

    it("zero variance on both sides: estimates but no test", () => {
      const result = welchTest(
        { n: 5, sum: 10, sumSquares: 20 },
        { n: 8, sum: 24, sumSquares: 72 },
      );
      expect(result).toEqual({
        absolute: { estimate: 1, ci: null },
        relative: { estimate: 0.5, ci: null, pValue: null },
        pValue: null,
        df: null,
        se: null,
      });
    });

    it("zero variance on one side: df = n - 1 of the other", () => {
      // control = [1, 2, 3, 4, 5, 6], treatment = [5, 5, 5, 5];
      // scipy.stats.ttest_ind(treatment, control, equal_var=False): statistic
      // 1.9639610121239317, pvalue 0.10674552235509224, df 5.0.
      expectResult(
        welchTest({ n: 6, sum: 21, sumSquares: 91 }, { n: 4, sum: 20, sumSquares: 100 }),
        {
          diff: 1.5,
          lo: -0.46331430698032455,
          hi: 3.4633143069803247,
          p: 0.10674552235509228,
          df: 5,
          se: 0.7637626158259734,
          r: 0.42857142857142855,
          rlo: -0.18475940515896364,
          rhi: 1.5033301082468185,
          rp: 0.16308377233624954,
        },
      );
    });

    it("control mean 0: no relative effect", () => {
      const result = welchTest({ n: 4, sum: 0, sumSquares: 8 }, { n: 4, sum: 4, sumSquares: 12 });
      expect(result.relative).toBeNull();
      expect(result.absolute.estimate).toBe(1);
      expect(result.pValue).toBeTypeOf("number");
    });
  });

  describe("validation", () => {
    const good = { n: 10, sum: 5, sumSquares: 10 };
    it.each([
      [{ n: -1, sum: 0, sumSquares: 0 }, "control.n"],
      [{ n: 2.5, sum: 0, sumSquares: 0 }, "control.n"],
      [{ n: 10, sum: Number.NaN, sumSquares: 10 }, "control.sum"],
      [{ n: 10, sum: 1, sumSquares: Number.POSITIVE_INFINITY }, "control.sumSquares"],
      [{ n: 10, sum: 1, sumSquares: -1 }, "control.sumSquares"],
    ])("rejects %o (%s)", (bad, path) => {
      expect(() => welchTest(bad, good)).toThrowError(ValidationError);
      expect(() => welchTest(bad, good)).toThrowError(`Invalid welchTest input: ${path}`);
    });

    it("rejects a bad treatment, a missing arm and alpha outside (0, 1)", () => {
      expect(() => welchTest(good, { ...good, n: -3 })).toThrowError("treatment.n");
      expect(() => welchTest(good, null as never)).toThrowError(ValidationError);
      for (const alpha of [0, 1, -0.1, Number.NaN]) {
        expect(() => welchTest(good, good, { alpha })).toThrowError("alpha");
      }
      try {
        welchTest(good, { ...good, sum: Number.NaN });
      } catch (error) {
        expect((error as ValidationError).code).toBe("validation_failed");
        expect((error as ValidationError).issues[0]?.path).toEqual(["treatment", "sum"]);
      }
    });
  });
});
