import { describe, expect, it } from "vitest";
import { assertFrozenFieldsKept, nextStatus } from "../src/lifecycle/index.js";
import type { Experiment } from "../src/schema/index.js";

describe("lifecycle", () => {
  it("allows exactly draft -> running -> stopped", () => {
    expect(nextStatus("draft", "start")).toBe("running");
    expect(nextStatus("running", "stop")).toBe("stopped");
    for (const [status, action] of [
      ["draft", "stop"],
      ["running", "start"],
      ["stopped", "start"],
      ["stopped", "stop"],
    ] as const) {
      expect(() => nextStatus(status, action)).toThrow(
        expect.objectContaining({
          code: "invalid_transition",
          details: expect.objectContaining({ status, action }),
        }),
      );
    }
  });

  it("freezes assignment fields outside draft only", () => {
    const base = {
      status: "draft",
      variants: [{ key: "a", weight: 100, config: null }],
      hashSeed: "s",
      hashVersion: 2,
      flagKey: null,
    } as unknown as Experiment;
    expect(() => assertFrozenFieldsKept(base, { hashSeed: "t" })).not.toThrow();
    const running = { ...base, status: "running" } as Experiment;
    expect(() => assertFrozenFieldsKept(running, { hashSeed: "t" })).toThrow(
      /hashSeed cannot change/,
    );
    expect(() => assertFrozenFieldsKept(running, { hashSeed: "s", hashVersion: 2 })).not.toThrow();
    expect(() =>
      assertFrozenFieldsKept({ ...base, status: "stopped" } as Experiment, { flagKey: "f" }),
    ).toThrow(/flagKey cannot change once an experiment is stopped/);
  });
});
