import { describe, expect, it } from "vitest";
import {
  checkAssignmentRecords,
  checkEventRecords,
  crossPair,
  crossPartners,
  type EventRecord,
  isAbkitError,
} from "../src/index.js";

const assignment = (covariates: unknown) => ({
  projectId: "p",
  experimentId: "e",
  entityId: "u",
  variantKey: "A",
  assignedAt: "2026-01-02T00:00:00.000Z",
  covariates: covariates as Record<string, number>,
});

const event = (overrides: Partial<EventRecord> = {}): EventRecord => ({
  id: "evt_1",
  entityId: "u",
  metricName: "a",
  value: 1,
  idempotencyKey: null,
  timestamp: "2026-01-02T00:00:00.000Z",
  experimentIds: ["e"],
  ...overrides,
});

function codeOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    return isAbkitError(error) ? error.code : "not an AbkitError";
  }
  return undefined;
}

describe("checkAssignmentRecords", () => {
  it("accepts slug names with finite values, and no covariates", () => {
    expect(codeOf(() => checkAssignmentRecords([assignment({ "pre.spend_30d": -2.5 })]))).toBe(
      undefined,
    );
    expect(codeOf(() => checkAssignmentRecords([assignment(undefined)]))).toBe(undefined);
  });

  it.each([
    ["NaN", { x: Number.NaN }],
    ["Infinity", { x: Number.POSITIVE_INFINITY }],
    ["a string value", { x: "1" }],
    ["an empty name", { "": 1 }],
    ["a __proto__ name", JSON.parse('{"__proto__": 1}')],
    ["an array", [1]],
  ])("rejects %s with validation_failed", (_, covariates) => {
    expect(codeOf(() => checkAssignmentRecords([assignment(covariates)]))).toBe(
      "validation_failed",
    );
  });
});

describe("checkEventRecords", () => {
  it("rejects a non-finite value or a malformed crossMetrics", () => {
    expect(codeOf(() => checkEventRecords([event({ crossMetrics: { e: ["b"] } })]))).toBe(
      undefined,
    );
    expect(codeOf(() => checkEventRecords([event({ value: Number.NaN })]))).toBe(
      "validation_failed",
    );
    const bad = [{ e: "b" }, { e: ["bad name"] }, { e: [1] }, ["b"]] as unknown as Record<
      string,
      string[]
    >[];
    for (const crossMetrics of bad) {
      expect(codeOf(() => checkEventRecords([event({ crossMetrics })]))).toBe("validation_failed");
    }
  });
});

describe("crossPartners and crossPair", () => {
  it("lists each partner once, without the event's own metric", () => {
    const e = event({ metricName: "a", crossMetrics: { e: ["b", "a", "b", "c"], f: ["d"] } });
    expect(crossPartners(e, "e")).toEqual(["b", "c"]);
    expect(crossPartners(e, "g")).toEqual([]);
    expect(crossPartners(event(), "e")).toEqual([]);
  });

  it("orders a pair by JavaScript string comparison", () => {
    expect(crossPair("revenue", "orders")).toEqual(["orders", "revenue"]);
    expect(crossPair("B", "a")).toEqual(["B", "a"]);
  });
});
