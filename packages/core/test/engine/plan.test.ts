import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { createAbkit } from "../../src/index.js";

describe("abkit.plan", () => {
  const abkit = createAbkit({ store: memoryStore() });

  it("answers planExperiment's plan without any experiment", () => {
    const plan = abkit.plan({ metric: "binomial", baseline: 0.1, mde: 0.2, split: [90, 10] });
    expect(plan.usersPerVariant).toEqual([18691, 2077]);
    expect(plan.effect).toEqual({ absolute: 0.02, relative: 0.2 });
  });

  it("throws validation_failed for a bad input", () => {
    expect(() => abkit.plan({ metric: "mean", baseline: 3, mde: 0.1, sd: 0 })).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });
});
