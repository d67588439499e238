import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import { proportionTest, type TestResult } from "../../src/stats/index.js";

// Expected values: mpmath 1.3 at mp.mp.dps = 50, with p = k/n, v = p(1-p)/n,
// se = mp.sqrt(v_c + v_t), z = (p_t - p_c)/se, pValue = 2*mp.ncdf(-abs(z)),
// crit = -mp.sqrt(2)*mp.erfinv(alpha - 1) (= Φ⁻¹(1 - alpha/2)), ci = diff ∓ crit*se,
// relative r = diff/p_c, se_r = mp.sqrt(v_t + v_c*(p_t/p_c)**2)/p_c, ci = r ∓ crit*se_r.
// (The same as scipy: 2*scipy.stats.norm.sf(abs(z)), scipy.stats.norm.ppf(1 - alpha/2).)

interface Expected {
  diff: number;
  lo: number;
  hi: number;
  p: number;
  se: number;
  r?: number;
  rlo?: number;
  rhi?: number;
}

function expectClose(actual: number | null | undefined, expected: number, scale: number): void {
  expect(actual).toBeTypeOf("number");
  const error = Math.abs((actual as number) - expected) / Math.max(scale, 1e-300);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12);
}

function expectResult(result: TestResult, expected: Expected): void {
  const width = expected.hi - expected.lo;
  expectClose(result.absolute.estimate, expected.diff, Math.max(Math.abs(expected.diff), width));
  expectClose(result.absolute.ci?.[0], expected.lo, Math.max(Math.abs(expected.lo), width));
  expectClose(result.absolute.ci?.[1], expected.hi, Math.max(Math.abs(expected.hi), width));
  expectClose(result.pValue, expected.p, expected.p);
  expectClose(result.se, expected.se, expected.se);
  expect(result.df).toBeNull();
  if (expected.r === undefined) {
    expect(result.relative).toBeNull();
    return;
  }
  const relativeWidth = expected.rhi! - expected.rlo!;
  expectClose(result.relative?.estimate, expected.r, Math.max(Math.abs(expected.r), relativeWidth));
  expectClose(
    result.relative?.ci?.[0],
    expected.rlo!,
    Math.max(Math.abs(expected.rlo!), relativeWidth),
  );
  expectClose(
    result.relative?.ci?.[1],
    expected.rhi!,
    Math.max(Math.abs(expected.rhi!), relativeWidth),
  );
}

describe("proportionTest", () => {
  const control = { n: 1000, conversions: 100 };
  const treatment = { n: 1000, conversions: 130 };

  it("matches the Wald test for 100/1000 vs 130/1000", () => {
    expectResult(proportionTest(control, treatment), {
      diff: 0.03,
      lo: 0.0020679344393763647,
      hi: 0.057932065560623636,
      p: 0.03528532025049284,
      se: 0.014251315728731857,
      r: 0.3,
      rlo: -0.019179397713587114,
      rhi: 0.6191793977135871,
    });
  });

  it("honours alpha", () => {
    expectResult(proportionTest(control, treatment, { alpha: 0.01 }), {
      diff: 0.03,
      lo: -0.006708956668194872,
      hi: 0.06670895666819487,
      p: 0.03528532025049284,
      se: 0.014251315728731857,
      r: 0.3,
      rlo: -0.11947283327896531,
      rhi: 0.7194728332789653,
    });
  });

  it("handles an unequal 10/90 split (50/1000 vs 540/9000)", () => {
    expectResult(proportionTest({ n: 1000, conversions: 50 }, { n: 9000, conversions: 540 }), {
      diff: 0.01,
      lo: -0.004371584322056754,
      hi: 0.024371584322056754,
      p: 0.17263768028166793,
      se: 0.007332575718440736,
      r: 0.2,
      rlo: -0.1387204896539297,
      rhi: 0.5387204896539297,
    });
  });

  it("keeps extreme p-values accurate (1000/10000 vs 1330/10000, p ~ 3e-13)", () => {
    expectResult(
      proportionTest({ n: 10_000, conversions: 1000 }, { n: 10_000, conversions: 1330 }),
      {
        diff: 0.033,
        lo: 0.0241191568421938,
        hi: 0.0418808431578062,
        p: 3.265778988815153e-13,
        se: 0.0045311256879499604,
        r: 0.33,
        rlo: 0.22730985715335741,
        rhi: 0.4326901428466426,
      },
    );
  });

  it("handles 10^7 users per arm", () => {
    const result = proportionTest(
      { n: 10_000_000, conversions: 1_000_000 },
      { n: 10_000_000, conversions: 1_001_500 },
    );
    expectResult(result, {
      diff: 0.00015,
      lo: -0.00011304438339386806,
      hi: 0.00041304438339386803,
      p: 0.2637115631843327,
      se: 0.00013420878417599944,
      r: 0.0015,
      rlo: -0.001132416091972546,
      rhi: 0.004132416091972546,
    });
  });

  it("gives p = 1 for identical arms", () => {
    expectResult(proportionTest({ n: 250, conversions: 37 }, { n: 250, conversions: 37 }), {
      diff: 0,
      lo: -0.06225062836336652,
      hi: 0.06225062836336652,
      p: 1,
      se: 0.031761108293005144,
      r: 0,
      rlo: -0.4206123538065305,
      rhi: 0.4206123538065305,
    });
  });

  it("has no relative effect when the control never converts (0/100 vs 5/100)", () => {
    expectResult(proportionTest({ n: 100, conversions: 0 }, { n: 100, conversions: 5 }), {
      diff: 0.05,
      lo: 0.007283575292052943,
      hi: 0.09271642470794705,
      p: 0.0217814627911195,
      se: 0.021794494717703367,
    });
  });

  it("n = 1 on a side: its variance is 0, the other side's carries the test", () => {
    // 1/1 vs 30/100: se = sqrt(0.3 * 0.7 / 100), relative interval = absolute / 1.
    expectResult(proportionTest({ n: 1, conversions: 1 }, { n: 100, conversions: 30 }), {
      diff: -0.7,
      lo: -0.7898168331854205,
      hi: -0.6101831668145794,
      p: 1.11794486198031e-52,
      se: 0.0458257569495584,
      r: -0.7,
      rlo: -0.7898168331854205,
      rhi: -0.6101831668145794,
    });
  });

  describe("se = 0 or no users gives nulls, never NaN", () => {
    it.each([
      ["zero conversions on both sides", 0, 100, 0, 100, 0, null],
      ["all conversions on both sides", 100, 100, 50, 50, 0, 0],
      ["n = 1 on both sides", 1, 1, 0, 1, -1, -1],
    ])("%s", (_, cc, cn, tc, tn, estimate, relative) => {
      const result = proportionTest({ n: cn, conversions: cc }, { n: tn, conversions: tc });
      expect(result).toEqual({
        absolute: { estimate, ci: null },
        relative: relative === null ? null : { estimate: relative, ci: null },
        pValue: null,
        df: null,
        se: null,
      });
    });

    it("n = 0 on a side", () => {
      for (const result of [
        proportionTest({ n: 0, conversions: 0 }, treatment),
        proportionTest(control, { n: 0, conversions: 0 }),
      ]) {
        expect(result).toEqual({
          absolute: { estimate: null, ci: null },
          relative: null,
          pValue: null,
          df: null,
          se: null,
        });
      }
    });
  });

  describe("validation", () => {
    it.each([
      [{ n: -1, conversions: 0 }, "control.n"],
      [{ n: 10.5, conversions: 1 }, "control.n"],
      [{ n: 10, conversions: 11 }, "control.conversions: must not exceed n"],
      [{ n: 10, conversions: -1 }, "control.conversions"],
      [{ n: 10, conversions: Number.NaN }, "control.conversions"],
      [{ n: Number.POSITIVE_INFINITY, conversions: 1 }, "control.n"],
    ])("rejects %o (%s)", (bad, message) => {
      expect(() => proportionTest(bad, treatment)).toThrowError(ValidationError);
      expect(() => proportionTest(bad, treatment)).toThrowError(
        `Invalid proportionTest input: ${message}`,
      );
    });

    it("rejects a bad treatment and alpha outside (0, 1)", () => {
      expect(() => proportionTest(control, { n: 5, conversions: 6 })).toThrowError(
        "treatment.conversions",
      );
      expect(() => proportionTest(control, treatment, { alpha: 1 })).toThrowError("alpha");
    });
  });
});
