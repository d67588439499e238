import { describe, expect, it } from "vitest";
import {
  oneSidedSequentialBounds,
  oneSidedSequentialCritical,
  proportionOneSidedSequentialBounds,
} from "../../src/stats/index.js";

describe("oneSidedSequentialBounds", () => {
  it("takes each side of the two-sided sequence at 2 alpha", () => {
    // N = 10,000, N* = 5000, alpha 0.05 -> two-sided at 0.1: L = -2 ln 0.1 = 4.605170,
    // rho² = (L + ln(L + 1)) / 5000 = 0.001265772, N rho² = 12.65772, and
    // sqrt(N) · sqrt(2 (N rho² + 1) ln(sqrt(N rho² + 1) / 0.1) / (N rho)²) = 2.791028.
    expect(oneSidedSequentialCritical(10_000)).toBeCloseTo(2.791028, 5);
    const [low, high] = oneSidedSequentialBounds(0.5, 0.1, 10_000) ?? [0, 0];
    expect(low).toBeCloseTo(0.5 - 0.2791028, 6);
    expect(high).toBeCloseTo(0.5 + 0.2791028, 6);
    expect(oneSidedSequentialBounds(0, 1, 1)).toBeNull();
  });

  it("is null without users and refuses alpha at or above 0.5", () => {
    expect(
      proportionOneSidedSequentialBounds({ n: 0, conversions: 0 }, { n: 10, conversions: 1 }),
    ).toBeNull();
    expect(() => oneSidedSequentialBounds(0, 1, 100, { alpha: 0.5 })).toThrow(/below 0.5/);
  });
});
