import { type EventRecord, MAX_AGGREGATED_METRICS, newId } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { toEventEntry } from "../src/documents.js";
import { cappedExperiments, capUndeclared } from "../src/undeclaredCap.js";

const event = (entityId: string, metricName: string, overrides: Partial<EventRecord> = {}) =>
  toEventEntry({
    id: newId("evt"),
    entityId,
    metricName,
    value: 1,
    idempotencyKey: null,
    timestamp: "2026-01-02T03:04:05.678Z",
    experimentIds: ["exp_1", "exp_2"],
    ...overrides,
  });

const everyoneAssigned = () => true;

describe("the cap on undeclared metrics (MongoDB planning)", () => {
  it("drops a new undeclared metric from a full experiment only, in batch order", () => {
    const full = new Set(Array.from({ length: MAX_AGGREGATED_METRICS - 1 }, (_, i) => `m${i}`));
    const known = new Map([["exp_1", full]]);
    const batch = [
      event("u1", "new-a", { undeclaredIn: ["exp_1", "exp_2"] }),
      event("u1", "new-b", { undeclaredIn: ["exp_1", "exp_2"] }),
      event("u1", "m0", { undeclaredIn: ["exp_1"] }),
      event("u1", "declared", { undeclaredIn: ["exp_2"] }),
    ];
    expect(cappedExperiments(batch).sort()).toEqual(["exp_1", "exp_2"]);
    const counted = capUndeclared(batch, known, everyoneAssigned);
    expect(counted.map((entry) => entry.experimentIds)).toEqual([
      ["exp_1", "exp_2"], // the last free slot of exp_1
      ["exp_2"], // exp_1 is full now
      ["exp_1", "exp_2"], // already kept in exp_1
      ["exp_1", "exp_2"], // declared in exp_1: always counts
    ]);
    expect(known.get("exp_1")!.size).toBe(MAX_AGGREGATED_METRICS + 1);
  });

  it("lets an unassigned entity's event take no slot", () => {
    const known = new Map([
      ["exp_1", new Set(Array.from({ length: MAX_AGGREGATED_METRICS - 1 }, (_, i) => `m${i}`))],
    ]);
    const batch = [
      event("stranger", "junk", { undeclaredIn: ["exp_1"], experimentIds: ["exp_1"] }),
      event("u1", "kept", { undeclaredIn: ["exp_1"], experimentIds: ["exp_1"] }),
    ];
    const counted = capUndeclared(batch, known, (_, entityId) => entityId === "u1");
    expect(counted.map((entry) => entry.experimentIds)).toEqual([["exp_1"], ["exp_1"]]);
    expect(known.get("exp_1")!.has("junk")).toBe(false);
  });

  it("keeps undeclaredIn in the stored copy of an event", () => {
    expect(event("u1", "m", { undeclaredIn: ["exp_1"] }).undeclaredIn).toEqual(["exp_1"]);
    expect(event("u1", "m")).not.toHaveProperty("undeclaredIn");
  });
});
