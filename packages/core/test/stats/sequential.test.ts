import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import { normalQuantile, sequentialInterval } from "../../src/stats/index.js";

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
