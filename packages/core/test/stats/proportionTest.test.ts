import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import { proportionTest, type TestResult } from "../../src/stats/index.js";
import { SCENARIOS, seededRandom, splitExperiment } from "./binomialSimulation.js";

// Expected values: mpmath 1.3 at mp.mp.dps = 40. Pooled test: p̄ = (k_c + k_t)/(n_c + n_t),
// se = mp.sqrt(p̄*(1-p̄)*(1/n_c + 1/n_t)), pValue = 2*mp.ncdf(-abs((p_t - p_c)/se)).
// Newcombe: crit = -mp.sqrt(2)*mp.erfinv(alpha - 1) (= Φ⁻¹(1 - alpha/2)); Wilson [l, u] of each
// arm: c = (p + crit²/(2n))/(1 + crit²/n), h = crit*mp.sqrt(p(1-p)/n + crit²/(4n²))/(1 + crit²/n);
// ci = [d - mp.sqrt((p_t - l_t)² + (u_c - p_c)²), d + mp.sqrt((u_t - p_t)² + (p_c - l_c)²)].
// Relative: r = diff/p_c, v = p(1-p)/n, se_r = mp.sqrt(v_t + v_c*(p_t/p_c)**2)/p_c, ci = r ∓ crit*se_r.

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

  it("matches the pooled test and Newcombe's interval for 100/1000 vs 130/1000", () => {
    expectResult(proportionTest(control, treatment), {
      diff: 0.03,
      lo: 0.0020023487152830014,
      hi: 0.058070485022202835,
      p: 0.03548845046647469,
      se: 0.014267095009146046,
      r: 0.3,
      rlo: -0.019179397713587114,
      rhi: 0.6191793977135871,
    });
  });

  it("honours alpha", () => {
    expectResult(proportionTest(control, treatment, { alpha: 0.01 }), {
      diff: 0.03,
      lo: -0.006877349050978932,
      hi: 0.06699980753514104,
      p: 0.03548845046647469,
      se: 0.014267095009146046,
      r: 0.3,
      rlo: -0.11947283327896531,
      rhi: 0.7194728332789653,
    });
  });

  it("handles an unequal 10/90 split (50/1000 vs 540/9000)", () => {
    expectResult(proportionTest({ n: 1000, conversions: 50 }, { n: 9000, conversions: 540 }), {
      diff: 0.01,
      lo: -0.0060250856394688974,
      hi: 0.02291770475020889,
      p: 0.20294312093736566,
      se: 0.007854156719710766,
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
        lo: 0.02411987591838723,
        hi: 0.04188793499238511,
        p: 3.507577737141025e-13,
        se: 0.004537130150216103,
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
      lo: -0.00011304448070796139,
      hi: 0.0004130445439378276,
      p: 0.2637115780970835,
      se: 0.00013420878836723025,
      r: 0.0015,
      rlo: -0.001132416091972546,
      rhi: 0.004132416091972546,
    });
  });

  it("gives p = 1 for identical arms", () => {
    expectResult(proportionTest({ n: 250, conversions: 37 }, { n: 250, conversions: 37 }), {
      diff: 0,
      lo: -0.06268972350965273,
      hi: 0.06268972350965273,
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
      lo: 0.0033279408461571623,
      hi: 0.11175046923191916,
      p: 0.02354005826117795,
      se: 0.022079402165819616,
    });
  });

  it("n = 1 on a side: the single user's arm still carries its uncertainty", () => {
    // 1/1 vs 30/100. The unpooled Wald error gave the 1/1 arm no variance (p = 1e-52).
    expectResult(proportionTest({ n: 1, conversions: 1 }, { n: 100, conversions: 30 }), {
      diff: -0.7,
      lo: -0.7810511470506724,
      hi: 0.0992189526966129,
      p: 0.1309973714287177,
      se: 0.46352074942608,
      r: -0.7,
      rlo: -0.7898168331854205,
      rhi: -0.6101831668145794,
    });
  });

  describe("se = 0 or no users gives nulls, never NaN", () => {
    // With no variance there is no p-value, but the score interval still says how large a
    // difference 0/100 against 0/100 leaves possible (Wilson's upper bound, 0.0370).
    it.each([
      [
        "zero conversions on both sides",
        0,
        100,
        0,
        100,
        0,
        null,
        -0.036993498206985685,
        0.036993498206985685,
      ],
      [
        "all conversions on both sides",
        100,
        100,
        50,
        50,
        0,
        0,
        -0.07134759913335872,
        0.036993498206985685,
      ],
    ])("%s", (_, cc, cn, tc, tn, estimate, relative, lo, hi) => {
      const result = proportionTest({ n: cn, conversions: cc }, { n: tn, conversions: tc });
      expect(result).toMatchObject({
        absolute: { estimate },
        relative: relative === null ? null : { estimate: relative, ci: null },
        pValue: null,
        df: null,
        se: null,
      });
      expect(result.absolute.ci?.[0]).toBeCloseTo(lo as number, 15);
      expect(result.absolute.ci?.[1]).toBeCloseTo(hi as number, 15);
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

  // The unpooled Wald test gave an arm with no conversions no variance: at 1,000 users, 37%
  // (90/10) and 61% (95/5) false positives at 1% conversion, 8-10% at 5,000 users.
  describe("holds its level on small and rare arms (seeded simulations)", () => {
    it.each(SCENARIOS)("treatment share $share, base rate $rate", ({ share, rate }) => {
      const next = seededRandom(Math.round(share * 1000 + rate * 100_000));
      const runs = 3000;
      const effect = rate / 2;
      for (const users of [1000, 5000]) {
        let falsePositives = 0;
        let coveredNull = 0;
        let coveredEffect = 0;
        for (let run = 0; run < runs; run++) {
          const same = splitExperiment(users, share, rate, rate, next);
          const aa = proportionTest(same.control, same.treatment);
          if (aa.pValue !== null && aa.pValue < 0.05) falsePositives++;
          if (covers(aa.absolute.ci, 0)) coveredNull++;
          const lift = splitExperiment(users, share, rate, rate + effect, next);
          if (covers(proportionTest(lift.control, lift.treatment).absolute.ci, effect)) {
            coveredEffect++;
          }
        }
        const context = `${users} users`;
        // 3,000 runs: the rate's standard error is 0.004 at 0.05.
        expect(falsePositives / runs, context).toBeLessThanOrEqual(0.065);
        expect(falsePositives / runs, context).toBeGreaterThanOrEqual(0.025);
        expect(coveredNull / runs, context).toBeGreaterThanOrEqual(0.93);
        expect(coveredEffect / runs, context).toBeGreaterThanOrEqual(0.93);
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

function covers(ci: [number, number] | null, value: number): boolean {
  return ci !== null && ci[0] <= value && value <= ci[1];
}
