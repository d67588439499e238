import { describe, expect, it } from "vitest";
import { runOpenFeature } from "../src/app.js";

describe("openfeature example", () => {
  it("splits users through OpenFeature and counts client.track conversions in abkit", async () => {
    const run = await runOpenFeature(2000, 7);

    // Every evaluation came from the running experiment, about 50/50.
    expect(run.reasons).toEqual({ SPLIT: 2000 });
    expect(Object.keys(run.served).sort()).toEqual(["control", "treatment"]);
    expect(Math.abs((run.served.treatment ?? 0) / 2000 - 0.5)).toBeLessThan(0.05);

    // abkit saw the same users, and every tracked conversion.
    expect(run.results.map((row) => row.variantKey)).toEqual(["control", "treatment"]);
    for (const row of run.results) expect(row.users).toBe(run.served[row.variantKey]);
    const conversions = run.results.reduce((sum, row) => sum + row.conversions, 0);
    expect(run.tracked).toBeGreaterThan(0);
    expect(conversions).toBe(run.tracked);

    expect(run.lines.join("\n")).toMatch(/treatment +users +\d+ +conversions +\d+ +rate [\d.]+%/);
  });
});
