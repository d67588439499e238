import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import {
  chanceToBeatControl,
  chanceToBeatControlNormal,
  proportionTest,
} from "../../src/stats/index.js";

// Expected values (rounded to doubles): the exact finite sum (Evan Miller's closed form)
// evaluated in mpmath 1.3 at mp.mp.dps = 30 over every one of its terms, with
// a = 1 + conversions and b = 1 + n - conversions:
//
//   def S(K, aA, bA, bB):  # sum_{i=0}^{K} B(aA+i, bA+bB) / ((bB+i) B(1+i, bB) B(aA, bA))
//       term = mp.beta(aA, bA + bB) / mp.beta(aA, bA); s = aA + bA + bB; total = 0
//       for i in range(K + 1):
//           total += term; term *= (aA + i) * (bB + i) / ((s + i) * (1 + i))
//       return total
//
//   P(p_t > p_c) = S(a_t - 1, a_c, b_c, b_t)     ("alpha" form)
//               = S(b_c - 1, b_t, a_t, a_c)     ("beta" form: P(1 - p_c > 1 - p_t))
//
// Independently cross-checked by numerical integration, scipy.integrate.quad(lambda y:
// beta.pdf(y, a_c, b_c) * beta.sf(y, a_t, b_t), mean ∓ 60 sd, epsrel=1e-13): agreement
// within 1e-13 for every case, 5e-11 for 9999990 vs 9999995 (quad's own limit there), and
// only to 1e-2 relative for the 1e-60 and 1e-72 tails, where quad is coarse.

type Case = [
  controlConv: number,
  controlN: number,
  treatmentConv: number,
  treatmentN: number,
  expected: number,
];

function expectChance(actual: number, expected: number): void {
  // 1e-9 absolute, and 1e-8 relative for the tiny ones.
  const error = Math.abs(actual - expected);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(
    Math.max(1e-9 * Math.min(1, expected * 10), 1e-300),
  );
}

describe("chanceToBeatControl", () => {
  it.each<Case>([
    [0, 0, 0, 0, 0.5], // no data: two flat priors
    [100, 1000, 100, 1000, 0.5], // identical arms
    [100, 1000, 120, 1000, 0.9231834389735597],
    [120, 1000, 100, 1000, 0.07681656102644024],
    [0, 100, 0, 100, 0.5], // zero conversions
    [0, 100, 5, 100, 0.9855234959554192],
    [100, 100, 100, 100, 0.5], // all conversions
    [0, 100, 100, 100, 1],
    [100, 100, 0, 100, 2.774686940462062e-60],
    [1, 1, 0, 1, 1 / 6], // n = 1: P(Beta(1, 2) > Beta(2, 1)) = 1/6
    [7, 20, 1, 3, 0.542292490118577], // asymmetric, tiny
    [10, 100, 40, 900, 0.009553077992892066], // 10/90 split
    [50, 1000, 3, 20, 0.978693107329492],
    [200_000, 10_000_000, 10, 600, 0.3430008458954773],
    [40_000, 50_000, 30_000, 40_000, 6.990980447533821e-72],
  ])("%d/%d vs %d/%d -> %s", (cc, cn, tc, tn, expected) => {
    expectChance(
      chanceToBeatControl({ n: cn, conversions: cc }, { n: tn, conversions: tc }),
      expected,
    );
  });

  it.each<Case>([
    [1_000_000, 10_000_000, 1_000_000, 10_000_000, 0.5],
    [1_000_000, 10_000_000, 1_004_000, 10_000_000, 0.9985529987024195], // alpha form, 1e6 terms
    [5_000_000, 10_000_000, 5_003_000, 10_000_000, 0.9101437521978136], // 5e6 terms
    [5_000_000, 10_000_000, 4_990_000, 10_000_000, 3.872065353663307e-6],
    [3, 10_000_000, 7, 10_000_000, 0.8867188144531315],
    [9_999_990, 10_000_000, 9_999_995, 10_000_000, 0.8949433289489906], // beta form
  ])("10^7 per arm: %d/%d vs %d/%d -> %s", (cc, cn, tc, tn, expected) => {
    // Speed at this size belongs to bench/; here only the value is checked.
    const chance = chanceToBeatControl({ n: cn, conversions: cc }, { n: tn, conversions: tc });
    expectChance(chance, expected);
  });

  it("keeps a vanishing chance at 0, not at the rounding error of 1 - (almost 1)", () => {
    // 1.5% of 1014998 vs 0.2% of 10019998: S(...) = 2.0003636200882776501e-6038, which
    // underflows to 0; the swap is 1 - that. (Summing the near-1 side and subtracting from 1
    // would leave ~1e-11 of rounding instead.)
    const high = { n: 1_014_998, conversions: 14_999 };
    const low = { n: 10_019_998, conversions: 19_999 };
    expect(chanceToBeatControl(high, low)).toBe(0);
    expect(chanceToBeatControl(low, high)).toBe(1);
  });

  it("is exactly 0.5 for identical arms", () => {
    expect(chanceToBeatControl({ n: 0, conversions: 0 }, { n: 0, conversions: 0 })).toBe(0.5);
    const arm = { n: 10_000_000, conversions: 1_000_000 };
    expect(chanceToBeatControl(arm, { ...arm })).toBe(0.5);
  });

  it("is symmetric: swapping the arms gives 1 - chance", () => {
    for (const [a, b] of [
      [
        { n: 1000, conversions: 100 },
        { n: 900, conversions: 120 },
      ],
      [
        { n: 30, conversions: 0 },
        { n: 7, conversions: 7 },
      ],
      [
        { n: 2_000_000, conversions: 150_000 },
        { n: 2_000_000, conversions: 151_000 },
      ],
    ]) {
      expect(chanceToBeatControl(a!, b!) + chanceToBeatControl(b!, a!)).toBeCloseTo(1, 9);
    }
  });

  it("agrees with the normal approximation at large n", () => {
    const control = { n: 10_000_000, conversions: 1_000_000 };
    const treatment = { n: 10_000_000, conversions: 1_004_000 };
    const { absolute, se } = proportionTest(control, treatment);
    const approx = chanceToBeatControlNormal(absolute.estimate, se)!;
    expect(Math.abs(approx - chanceToBeatControl(control, treatment))).toBeLessThan(1e-4);
  });

  it("rejects bad counts", () => {
    expect(() =>
      chanceToBeatControl({ n: 10, conversions: 11 }, { n: 10, conversions: 1 }),
    ).toThrowError("Invalid chanceToBeatControl input: control.conversions: must not exceed n");
    expect(() =>
      chanceToBeatControl({ n: 10, conversions: 1 }, { n: -10, conversions: 1 }),
    ).toThrowError(ValidationError);
    expect(() =>
      chanceToBeatControl({ n: 10, conversions: 0.5 }, { n: 10, conversions: 1 }),
    ).toThrowError("control.conversions");
  });
});

describe("chanceToBeatControlNormal", () => {
  it("is Φ(estimate / se)", () => {
    // mp.ncdf(1.5), mp.ncdf(-2)
    expect(chanceToBeatControlNormal(1.5, 1)).toBeCloseTo(0.9331927987311419, 15);
    expect(chanceToBeatControlNormal(-0.5, 0.25)).toBeCloseTo(0.02275013194817921, 15);
    expect(chanceToBeatControlNormal(0, 3)).toBe(0.5);
  });

  it("is null without a usable standard error", () => {
    expect(chanceToBeatControlNormal(1, null)).toBeNull();
    expect(chanceToBeatControlNormal(1, 0)).toBeNull();
    expect(chanceToBeatControlNormal(null, 1)).toBeNull();
    expect(chanceToBeatControlNormal(1, Number.NaN)).toBeNull();
  });
});
