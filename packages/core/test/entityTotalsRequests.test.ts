import { describe, expect, it } from "vitest";
import { isAbkitError } from "../src/errors/index.js";
import { dayRange } from "../src/store/days.js";
import { checkEntityTotalsRequests } from "../src/store/entityTotalsChecks.js";
import type { EntityTotalsRequest } from "../src/store.js";

const request = (overrides: Partial<EntityTotalsRequest> = {}): EntityTotalsRequest => ({
  entityId: "u1",
  metrics: ["tokens", "orders"],
  fromDay: "2026-01-01",
  toDay: "2026-02-01",
  ...overrides,
});

function rejection(requests: unknown): { code: string; path: PropertyKey[] } {
  try {
    checkEntityTotalsRequests(requests as EntityTotalsRequest[]);
  } catch (error) {
    if (!isAbkitError(error)) throw error;
    const issues = (error.details as { issues: { path: PropertyKey[] }[] }).issues;
    return { code: error.code, path: issues[0]?.path ?? [] };
  }
  throw new Error("expected a rejection");
}

describe("checkEntityTotalsRequests", () => {
  it("accepts no requests, an empty window, and a window of exactly 366 days", () => {
    expect(() => checkEntityTotalsRequests([])).not.toThrow();
    expect(() =>
      checkEntityTotalsRequests([
        request({ fromDay: "2026-03-01", toDay: "2026-03-01", metrics: [] }),
        request({ fromDay: "2024-01-01", toDay: "2025-01-01" }),
      ]),
    ).not.toThrow();
  });

  it("rejects more than 1000 requests", () => {
    const many = Array.from({ length: 1001 }, () => request());
    expect(rejection(many)).toEqual({ code: "validation_failed", path: [] });
  });

  it("rejects days that are not calendar days, reversed, or more than 366 days apart", () => {
    expect(rejection([request({ fromDay: "2026-1-01" })]).path).toEqual([0, "fromDay"]);
    expect(rejection([request({ fromDay: "2026-02-30" })]).path).toEqual([0, "fromDay"]);
    expect(rejection([request({ toDay: "2026-01-01T00:00:00Z" })]).path).toEqual([0, "toDay"]);
    expect(rejection([request({ fromDay: "2026-01-02", toDay: "2026-01-01" })]).path).toEqual([
      0,
      "toDay",
    ]);
    expect(rejection([request(), request({ fromDay: "2025-01-01", toDay: "2026-01-03" })])).toEqual(
      { code: "validation_failed", path: [1, "toDay"] },
    );
  });

  it("rejects bad metric names, more than 100 metrics, and a bad entity id", () => {
    expect(rejection([request({ metrics: ["ok", "no spaces"] })]).path).toEqual([0, "metrics", 1]);
    const metrics = Array.from({ length: 101 }, (_, i) => `m${i}`);
    expect(rejection([request({ metrics })]).path).toEqual([0, "metrics"]);
    expect(rejection([request({ entityId: "" })]).path).toEqual([0, "entityId"]);
  });
});

describe("dayRange", () => {
  it("lists the days from fromDay up to but excluding toDay, across months and leap days", () => {
    expect(dayRange("2024-02-27", "2024-03-02")).toEqual([
      "2024-02-27",
      "2024-02-28",
      "2024-02-29",
      "2024-03-01",
    ]);
    expect(dayRange("2026-03-01", "2026-03-01")).toEqual([]);
    expect(dayRange("2025-01-01", "2026-01-01")).toHaveLength(365);
  });
});
