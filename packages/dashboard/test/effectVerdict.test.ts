import { describe, expect, it } from "vitest";
import { effectVerdict } from "../web/src/results/effectVerdict.js";

describe("effectVerdict", () => {
  it("reads an interval above 0 as better, below 0 as worse, for higher-is-better", () => {
    expect(effectVerdict([0.01, 0.05], "higher")).toBe("better");
    expect(effectVerdict([-0.05, -0.01], "higher")).toBe("worse");
    // Older servers send no direction: higher.
    expect(effectVerdict([0.01, 0.05], undefined)).toBe("better");
  });

  it("mirrors both for lower-is-better, leaving the sign to the number", () => {
    expect(effectVerdict([12, 40], "lower")).toBe("worse");
    expect(effectVerdict([-40, -12], "lower")).toBe("better");
  });

  it("calls an interval that reaches 0, or no interval, unclear", () => {
    expect(effectVerdict([-1, 2], "lower")).toBe("unclear");
    expect(effectVerdict([0, 2], "higher")).toBe("unclear");
    expect(effectVerdict(null, "higher")).toBe("unclear");
  });
});
