import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import {
  newcombeInterval,
  normalQuantile,
  type ProportionSide,
  proportionSequentialInterval,
  sequentialInterval,
} from "../../src/stats/index.js";
import { binomial, SCENARIOS, seededRandom } from "./binomialSimulation.js";

// Expected values: mpmath 1.3 at mp.mp.dps = 30, from the formula itself:
//   la = -2*mp.log(alpha); rho = mp.sqrt((la + mp.log(la + 1)) / tuning)
//   hw = se*mp.sqrt(N)*mp.sqrt(2*(N*rho**2 + 1)*mp.log(mp.sqrt(N*rho**2 + 1)/alpha)/(N*rho)**2)

describe("sequentialInterval", () => {
  it("matches the hand-computed half-width", () => {
    // hw(se=0.1, N=10000, alpha=0.05, tuning=5000) = 0.3061477218867417
    const result = sequentialInterval(0.5, 0.1, 10_000)!;
    expect(result.halfWidth).toBeCloseTo(0.3061477218867417, 15);
    expect(result.ci[0]).toBeCloseTo(0.5 - 0.3061477218867417, 15);
    expect(result.ci[1]).toBeCloseTo(0.5 + 0.3061477218867417, 15);
  });

  it("honours alpha and tuning", () => {
    // hw(se=2.5, N=200, alpha=0.1, tuning=1000) = 7.789213513072204
    expect(sequentialInterval(-1, 2.5, 200, { alpha: 0.1, tuning: 1000 })!.halfWidth).toBeCloseTo(
      7.789213513072204,
      13,
    );
    // hw(se=0.1, N=10000, alpha=0.05, tuning=1e6) = 0.9084379437310581
    expect(sequentialInterval(0, 0.1, 10_000, { tuning: 1e6 })!.halfWidth).toBeCloseTo(
      0.9084379437310581,
      14,
    );
  });

  it("is always wider than the fixed-n interval at the same alpha", () => {
    // The ratio hw / (z_{1-alpha/2} se) is smallest near N = tuning: 1.5486 at N = 5156 for
    // alpha = 0.05 (1.387 for 0.01, 1.680 for 0.1), growing like sqrt(log N) beyond.
    for (const alpha of [0.01, 0.05, 0.1, 0.2]) {
      const fixed = normalQuantile(1 - alpha / 2);
      for (let exponent = 0.31; exponent <= 10; exponent += 0.01) {
        const n = Math.round(10 ** exponent);
        const { halfWidth } = sequentialInterval(0, 1, n, { alpha })!;
        expect(halfWidth).toBeGreaterThan(1.3 * fixed);
      }
    }
    // mp values of hw(1, N) / z_{0.975}
    const ratio = (n: number) => sequentialInterval(0, 1, n)!.halfWidth / normalQuantile(0.975);
    expect(ratio(5000)).toBeCloseTo(1.5486044714686567, 12);
    expect(ratio(1000)).toBeCloseTo(1.716300785278045, 12);
    expect(ratio(20_000_000)).toBeCloseTo(2.0635273915964523, 12);
  });

  it("is null without a standard error or with fewer than 2 users", () => {
    expect(sequentialInterval(1, null, 100)).toBeNull();
    expect(sequentialInterval(null, 0.1, 100)).toBeNull();
    expect(sequentialInterval(1, 0.1, 1)).toBeNull();
    expect(sequentialInterval(1, 0.1, 0)).toBeNull();
    expect(sequentialInterval(1, Number.NaN, 100)).toBeNull();
  });

  it("rejects bad alpha and tuning", () => {
    expect(() => sequentialInterval(1, 0.1, 100, { alpha: 2 })).toThrowError(ValidationError);
    expect(() => sequentialInterval(1, 0.1, 100, { tuning: 0 })).toThrowError(
      "Invalid sequentialInterval input: tuning: must be a positive number",
    );
  });
});

describe("proportionSequentialInterval", () => {
  it("is Newcombe's interval at the confidence sequence's critical value", () => {
    const control = { n: 5000, conversions: 500 };
    const treatment = { n: 5000, conversions: 560 };
    // The critical value: sequentialInterval's half-width per unit of se at N = 10,000.
    const critical = sequentialInterval(0, 1, 10_000)!.halfWidth;
    const expected = newcombeInterval(control, treatment, critical)!;
    const result = proportionSequentialInterval(control, treatment)!;
    expect(result.ci).toEqual(expected);
    expect(result.halfWidth).toBeCloseTo((expected[1] - expected[0]) / 2, 15);
    // For large counts it is the Wald interval's sequential version, within 1%.
    const se = Math.sqrt((0.1 * 0.9) / 5000 + (0.112 * 0.888) / 5000);
    expect(result.halfWidth / sequentialInterval(0.012, se, 10_000)!.halfWidth).toBeCloseTo(1, 2);
  });

  it("keeps an arm without conversions uncertain", () => {
    // 0/500 against 95/9,500 (a 95/5 holdout at 1%): the Wald standard error gave the small
    // arm no variance and its sequential interval excluded 0.
    const control = { n: 9500, conversions: 95 };
    const treatment = { n: 500, conversions: 0 };
    const wald = sequentialInterval(-0.01, Math.sqrt((0.01 * 0.99) / 9500), 10_000)!;
    expect(wald.ci[1]).toBeLessThan(0);
    const [low, high] = proportionSequentialInterval(control, treatment)!.ci;
    expect(low).toBeLessThan(-0.01);
    expect(high).toBeGreaterThan(0);
  });

  it("is null without users in an arm or with fewer than 2 users", () => {
    expect(proportionSequentialInterval({ n: 0, conversions: 0 }, { n: 10, conversions: 1 })).toBe(
      null,
    );
    expect(proportionSequentialInterval({ n: 1, conversions: 0 }, { n: 0, conversions: 0 })).toBe(
      null,
    );
  });

  it("rejects bad counts and options", () => {
    const side = { n: 10, conversions: 1 };
    expect(() => proportionSequentialInterval({ n: 10, conversions: 11 }, side)).toThrowError(
      "Invalid proportionSequentialInterval input: control.conversions: must not exceed n",
    );
    expect(() => proportionSequentialInterval(side, { n: -1, conversions: 0 })).toThrowError(
      ValidationError,
    );
    expect(() => proportionSequentialInterval(side, side, { alpha: 0 })).toThrowError("alpha");
  });

  // Looks after every 50 users up to 20,000: the interval must exclude the true difference at
  // any look in at most 5% of runs. With the Wald standard error, 95/5 at 1% did in 58%.
  describe("holds its level over repeated looks (seeded simulations)", () => {
    it.each(SCENARIOS)("treatment share $share, base rate $rate", ({ share, rate }) => {
      const next = seededRandom(7 + Math.round(share * 1000 + rate * 100_000));
      const runs = 800;
      const effect = rate * 0.3;
      let everExcludesZero = 0;
      let everMissesEffect = 0;
      for (let run = 0; run < runs; run++) {
        const control = { n: 0, conversions: 0 };
        const same = { n: 0, conversions: 0 };
        const lifted = { n: 0, conversions: 0 };
        let missedZero = false;
        let missedEffect = false;
        for (let users = 50; users <= 20_000; users += 50) {
          const treated = Math.round(users * share) - same.n;
          grow(control, 50 - treated, rate, next);
          grow(same, treated, rate, next);
          lifted.n = same.n;
          lifted.conversions += binomial(treated, rate + effect, next);
          missedZero ||= !covers(proportionSequentialInterval(control, same)?.ci, 0);
          missedEffect ||= !covers(proportionSequentialInterval(control, lifted)?.ci, effect);
        }
        if (missedZero) everExcludesZero++;
        if (missedEffect) everMissesEffect++;
      }
      // 800 runs: the rate's standard error is 0.008 at 0.05.
      expect(everExcludesZero / runs).toBeLessThanOrEqual(0.06);
      expect(everMissesEffect / runs).toBeLessThanOrEqual(0.06);
    });
  });
});

function grow(side: ProportionSide, users: number, rate: number, next: () => number): void {
  side.n += users;
  side.conversions += binomial(users, rate, next);
}

function covers(ci: [number, number] | undefined, value: number): boolean {
  return ci === undefined || (ci[0] <= value && value <= ci[1]);
}
