import { describe, expect, it } from "vitest";
import { runQuickstart } from "../src/quickstart.js";

describe("quickstart example", () => {
  it("assigns ES/FR users, leaves others out, and records each exposure once", async () => {
    const lines = await runQuickstart();
    const text = lines.join("\n");
    expect(text).toMatch(/user_42 \(ES\): variant=(control|treatment) \(assigned\)/);
    expect(text).toContain("user_99 (DE): variant=null (no_segment_match)");
    const first = /user_42 \(ES\): variant=(\w+)/.exec(text)?.[1];
    expect(text).toContain(`user_42 asks again: variant=${first}`);
    const exposures = JSON.parse(/Exposures recorded in the store: (.*)/.exec(text)?.[1] ?? "{}");
    // user_7 and user_42 are within the 20,000 simulated users; user_99 is DE in the first call only.
    expect((exposures.control ?? 0) + (exposures.treatment ?? 0)).toBe(20_000);
    expect(Math.abs(exposures.control / 20_000 - 0.5)).toBeLessThan(0.02);
    // Every 10th thumbs up was sent twice: exactly those are deduped.
    const [, accepted, deduped] =
      /Tracked thumbs_up: (\d+) accepted, (\d+) deduped/.exec(text) ?? [];
    expect(Number(deduped)).toBeGreaterThan(0);
    expect(Number(deduped)).toBeLessThan(Number(accepted) / 5);
    expect(text).toMatch(/treatment +users \d+ +rate [\d.]+% +uplift [\d.-]+% \[/);
    expect(text).toContain("sample-ratio check: ok");
  });
});
