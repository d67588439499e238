import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors/index.js";
import { benjaminiHochbergAdjust, holmAdjust } from "../../src/stats/index.js";

// Expected values by hand, from the definition: sort the m non-null p-values ascending,
// multiply the i-th (1-based) by m - i + 1, cap at 1, then take the running maximum.

describe("holmAdjust", () => {
  it("adjusts three p-values", () => {
    // sorted 0.01, 0.03, 0.04 -> 3*0.01 = 0.03, 2*0.03 = 0.06, 1*0.04 = 0.04 -> max 0.06
    const adjusted = holmAdjust([0.01, 0.04, 0.03]);
    expect(adjusted[0]).toBeCloseTo(0.03, 15);
    expect(adjusted[1]).toBeCloseTo(0.06, 15);
    expect(adjusted[2]).toBeCloseTo(0.06, 15);
  });

  it("adjusts five p-values, keeps the order, caps at 1 and is monotone", () => {
    // sorted 0.001 (x5 = 0.005), 0.008 (x4 = 0.032), 0.02 (x3 = 0.06), 0.3 (x2 = 0.6),
    // 0.7 (x1 = 0.7)
    const input = [0.3, 0.001, 0.7, 0.02, 0.008];
    const adjusted = holmAdjust(input) as number[];
    const expected = [0.6, 0.005, 0.7, 0.06, 0.032];
    for (const [i, value] of adjusted.entries()) expect(value).toBeCloseTo(expected[i]!, 15);
    // Monotone in the raw p-values, and never below them.
    const order = input.map((p, i) => [p, adjusted[i]!]).sort((a, b) => a[0]! - b[0]!);
    for (let i = 1; i < order.length; i++)
      expect(order[i]![1]).toBeGreaterThanOrEqual(order[i - 1]![1]!);
    for (const [i, p] of input.entries()) expect(adjusted[i]).toBeGreaterThanOrEqual(p);
    // Capped: 0.4 * 3 = 1.2 -> 1, and the running maximum carries the cap.
    expect(holmAdjust([0.4, 0.5, 0.45])).toEqual([1, 1, 1]);
  });

  it("keeps nulls and leaves them out of m", () => {
    // m = 2: sorted 0.02 (x2 = 0.04), 0.04 (x1 = 0.04)
    const adjusted = holmAdjust([null, 0.04, null, 0.02]);
    expect(adjusted[0]).toBeNull();
    expect(adjusted[2]).toBeNull();
    expect(adjusted[1]).toBeCloseTo(0.04, 15);
    expect(adjusted[3]).toBeCloseTo(0.04, 15);
  });

  it("handles ties, a single p-value and nothing at all", () => {
    expect(holmAdjust([0.02, 0.02])).toEqual([0.04, 0.04]);
    expect(holmAdjust([0.2])).toEqual([0.2]);
    expect(holmAdjust([null])).toEqual([null]);
    expect(holmAdjust([])).toEqual([]);
  });

  it("rejects p-values outside [0, 1]", () => {
    expect(() => holmAdjust([0.1, 1.5])).toThrowError(ValidationError);
    expect(() => holmAdjust([0.1, Number.NaN])).toThrowError("pValues.1");
    expect(() => holmAdjust([-0.1])).toThrowError("pValues.0");
  });
});

describe("benjaminiHochbergAdjust", () => {
  it("adjusts p-values as R's p.adjust(p, 'BH') does", () => {
    // sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 4p/i = 0.02, 0.02, 0.04, 0.04; running minimum
    // from the largest down leaves them as they are.
    const adjusted = benjaminiHochbergAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.02, 0.04, 0.04, 0.02].forEach((expected, index) => {
      expect(adjusted[index]).toBeCloseTo(expected, 15);
    });
    // The running minimum matters: 3·0.02/2 = 0.03 is lowered to 3·0.025/3 = 0.025.
    const lowered = benjaminiHochbergAdjust([0.001, 0.02, 0.025]);
    expect(lowered[1]).toBeCloseTo(0.025, 15);
    expect(lowered[2]).toBeCloseTo(0.025, 15);
  });

  it("keeps nulls, caps at 1, is never stricter than Holm, and rejects bad input", () => {
    expect(benjaminiHochbergAdjust([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
    expect(benjaminiHochbergAdjust([0.9, 0.95])).toEqual([0.95, 0.95]);
    const ps = [0.001, 0.01, 0.02, 0.03, 0.2];
    const bh = benjaminiHochbergAdjust(ps);
    const holm = holmAdjust(ps);
    bh.forEach((value, index) => {
      expect(value).toBeLessThanOrEqual(holm[index] ?? 0);
    });
    expect(() => benjaminiHochbergAdjust([0.5, 1.5])).toThrow(ValidationError);
  });
});
