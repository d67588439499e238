import { describe, expect, it } from "vitest";
import { counterId, sliceValues } from "../../src/aggregation/counters.js";
import { planAssignments } from "../../src/aggregation/planAssignments.js";
import { planEvents } from "../../src/aggregation/planEvents.js";
import {
  dimensionValue,
  MAX_SLICE_VALUES,
  sliceKey,
  sliceOf,
} from "../../src/aggregation/slices.js";
import type { AssignmentRecord } from "../../src/store.js";
import { event, MapState, PROJECT } from "./eventState.js";

const assignment = (overrides: Partial<AssignmentRecord> = {}): AssignmentRecord => ({
  projectId: PROJECT,
  experimentId: "e1",
  entityId: "u1",
  variantKey: "A",
  assignedAt: "2026-03-01T12:00:00.000Z",
  ...overrides,
});

const nothingStored = () => undefined;

describe("dimension values and slice keys", () => {
  it("reads strings, finite numbers and booleans; anything else is no value", () => {
    expect(dimensionValue("FR")).toBe("FR");
    expect(dimensionValue(2.5)).toBe("2.5");
    expect(dimensionValue(false)).toBe("false");
    for (const none of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY, {}, ["a"]]) {
      expect(dimensionValue(none)).toBeNull();
    }
  });

  it("cuts long values to 64 characters, fewer when their UTF-8 passes 90 bytes", () => {
    expect(dimensionValue("x".repeat(100))).toBe("x".repeat(64));
    // "é" is 2 bytes in UTF-8: 45 of them make 90 bytes.
    expect(dimensionValue("é".repeat(60))).toBe("é".repeat(45));
    // A character is never split: "😀" is 4 bytes, 22 of them make 88.
    expect(dimensionValue("😀".repeat(30))).toBe("😀".repeat(22));
  });

  it("encodes any value as a name and decodes it back", () => {
    // "FR" is bytes 0x46 0x52 -> base64 "RlI" (RFC 4648, by hand: 010001 100101 0010(00)).
    expect(sliceKey("FR")).toBe("vRlI");
    for (const value of ["", "a/b c", "other", "none", "é😀", "x".repeat(64), "é".repeat(45)]) {
      const key = sliceKey(value);
      expect(key).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
      expect(sliceOf(key)).toEqual({ kind: "value", value });
    }
    expect(sliceKey(null)).toBe("none");
    expect(sliceOf("none")).toEqual({ kind: "none", value: null });
    expect(sliceOf("other")).toEqual({ kind: "other", value: null });
    expect(sliceOf("bogus")).toBeNull();
  });
});

describe("planAssignments: slices", () => {
  it("counts a new assignment's exposure in each dimension's slice and plans its slices", () => {
    const record = assignment({ dimensions: { country: "FR", plan: null } });
    const plan = planAssignments([record], nothingStored);
    expect(plan.inserts).toEqual([{ ...record, slices: { country: "vRlI", plan: "none" } }]);
    const counters = plan.counters.map(({ counter, delta }) => [counter, delta]);
    expect(counters).toContainEqual(["sliceExposures/country/vRlI/A", 1]);
    expect(counters).toContainEqual(["sliceExposures/plan/none/A", 1]);
  });

  it("counts nothing in slices for an entity already assigned", () => {
    const record = assignment({ dimensions: { country: "FR" } });
    const plan = planAssignments([record, { ...record, variantKey: "B" }], () => undefined);
    const slices = plan.counters.filter(({ counter }) => counter.startsWith("slice"));
    expect(slices).toEqual([
      {
        projectId: PROJECT,
        experimentId: "e1",
        counter: "sliceExposures/country/vRlI/A",
        delta: 1,
      },
    ]);
  });

  it("keeps at most MAX_SLICE_VALUES values per dimension, the rest under other", () => {
    // 199 values known to the store: the 200th new one still gets its slice, later ones not.
    const known = new Set(
      Array.from({ length: MAX_SLICE_VALUES - 1 }, (_, i) => sliceKey(`c${i}`)),
    );
    const asked: string[] = [];
    const records = ["c5", "new-1", "new-2", "new-1", null].map((value, i) =>
      assignment({ entityId: `u${i}`, dimensions: { country: value, device: "ios" } }),
    );
    const plan = planAssignments(records, nothingStored, (projectId, experimentId) => {
      asked.push(`${projectId}/${experimentId}`);
      return new Map([["country", known]]);
    });
    expect(asked).toEqual([`${PROJECT}/e1`]);
    expect(plan.inserts.map((insert) => insert.slices?.country)).toEqual([
      sliceKey("c5"),
      sliceKey("new-1"),
      "other",
      sliceKey("new-1"),
      "none",
    ]);
    // Another dimension has its own budget.
    expect(plan.inserts.every((insert) => insert.slices?.device === sliceKey("ios"))).toBe(true);
    // The caller's set is not changed.
    expect(known.size).toBe(MAX_SLICE_VALUES - 1);
  });

  it("does not ask for known slices without dimensions", () => {
    planAssignments([assignment()], nothingStored, () => {
      throw new Error("asked");
    });
  });

  it("sliceValues lists the value slices a store keeps, per dimension", () => {
    const values = sliceValues([
      counterId.sliceExposures("country", "vRlI", "A"),
      counterId.sliceExposures("country", "vRlI", "B"),
      counterId.sliceExposures("country", "other", "A"),
      counterId.sliceExposures("country", "none", "A"),
      counterId.sliceExposures("device", "vaW9z", "A"),
      counterId.sliceMetric("country", "vREU", "clicks", "A", "sum"),
      counterId.exposures("A"),
    ]);
    expect(values).toEqual(
      new Map([
        ["country", new Set(["vRlI"])],
        ["device", new Set(["vaW9z"])],
      ]),
    );
  });
});

describe("planEvents: slices", () => {
  it("moves each slice of the entity's assignment as its variant's aggregate moves", () => {
    const state = new MapState();
    state.assignments.set("e1/u1", { variantKey: "A", slices: { country: "vRlI", plan: "none" } });
    state.assignments.set("e1/u2", { variantKey: "A", slices: { country: "vREU", plan: "none" } });
    state.assignments.set("e1/u3", { variantKey: "B" });
    // Two batches: the second sees u1's running total (3) from the first.
    state.apply(planEvents(PROJECT, [event({ value: 3 })], state));
    state.apply(
      planEvents(
        PROJECT,
        [event({ value: 2 }), event({ entityId: "u2", value: -1 }), event({ entityId: "u3" })],
        state,
      ),
    );
    const { slices, metrics } = state.aggregates("e1");
    // u1: total 5 over 2 events (Σt² = 25); u2: total -1 over 1 (Σt² = 1).
    expect(slices.country?.vRlI?.metrics.clicks?.A).toEqual({
      events: 2,
      sum: 5,
      sumSquares: 25,
      entities: 1,
    });
    expect(slices.country?.vREU?.metrics.clicks?.A).toEqual({
      events: 1,
      sum: -1,
      sumSquares: 1,
      entities: 1,
    });
    // Both are in `none` of plan: the slice equals variant A's whole aggregate.
    expect(slices.plan?.none?.metrics.clicks?.A).toEqual(metrics.clicks?.A);
    expect(metrics.clicks?.A).toEqual({ events: 3, sum: 4, sumSquares: 26, entities: 2 });
    // u3 kept no slices: in the variant's aggregate only.
    expect(slices.country?.vRlI?.metrics.clicks?.B).toBeUndefined();
    expect(metrics.clicks?.B?.events).toBe(1);
  });
});
