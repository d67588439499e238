import { describe, expect, it } from "vitest";
import type { EffectDay } from "../web/src/api/types.js";
import { effectSeries } from "../web/src/charts/effectSeries.js";
import { describeAdjustment } from "../web/src/results/adjustment.js";
import { sliceLabel } from "../web/src/results/sliceLabel.js";
import { verdictTone } from "../web/src/results/verdictTone.js";

describe("verdictTone", () => {
  it("colours ship green, harm and SRM red, waiting and no effect neutral", () => {
    expect(verdictTone("ship")).toBe("good");
    expect(verdictTone("guardrail-harm")).toBe("bad");
    expect(verdictTone("srm")).toBe("bad");
    expect(verdictTone("keep-running")).toBe("neutral");
    expect(verdictTone("no-detectable-effect")).toBe("neutral");
  });
});

describe("describeAdjustment", () => {
  it("states the method, the number of tests and the family", () => {
    expect(describeAdjustment({ method: "holm", across: "variants", tests: 3 })).toBe(
      "Holm over 3 tests (this metric's treatments)",
    );
    expect(describeAdjustment({ method: "benjamini-hochberg", across: "slices", tests: 1 })).toBe(
      "Benjamini-Hochberg over 1 test (the dimension's slices)",
    );
  });

  it("says nothing for an unadjusted p-value or an older server", () => {
    expect(describeAdjustment(null)).toBeNull();
    expect(describeAdjustment(undefined)).toBeNull();
  });
});

describe("effectSeries", () => {
  const day = (date: string, keys: [string, boolean][]): EffectDay => ({
    date,
    variants: keys.map(([variantKey, treatment]) => ({
      variantKey,
      users: 10,
      value: 0.1,
      absolute: treatment ? { estimate: 0.01, ci: [-0.1, 0.12] } : null,
    })),
  });

  it("draws one line per treatment, never the control, in the API's order", () => {
    const days = [
      day("2026-12-01", [
        ["control", false],
        ["b", true],
      ]),
      day("2026-12-02", [
        ["control", false],
        ["b", true],
        ["c", true],
      ]),
    ];
    expect(effectSeries(days)).toEqual(["b", "c"]);
    expect(effectSeries([])).toEqual([]);
  });
});

describe("sliceLabel", () => {
  it("names a value by itself and the two catch-all slices in words", () => {
    expect(sliceLabel({ value: "ES", kind: "value" })).toBe("ES");
    expect(sliceLabel({ value: null, kind: "other" })).toBe("(other values)");
    expect(sliceLabel({ value: null, kind: "none" })).toBe("(not set)");
  });
});
