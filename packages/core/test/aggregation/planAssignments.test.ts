import { describe, expect, it } from "vitest";
import { counterId } from "../../src/aggregation/counters.js";
import { planAssignments } from "../../src/aggregation/planAssignments.js";
import type { AssignmentRecord } from "../../src/store.js";

const assignment = (overrides: Partial<AssignmentRecord> = {}): AssignmentRecord => ({
  projectId: "p1",
  experimentId: "e1",
  entityId: "u1",
  variantKey: "A",
  assignedAt: "2026-03-01T12:00:00.000Z",
  ...overrides,
});

const nothingStored = () => undefined;

/** The plan's counters as `project/experiment: counter -> delta`. */
function countersOf(plan: ReturnType<typeof planAssignments>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { projectId, experimentId, counter, delta } of plan.counters) {
    const id = `${projectId}/${experimentId}: ${counter}`;
    expect(out[id], `one increment per counter: ${id}`).toBeUndefined();
    out[id] = delta;
  }
  return out;
}

describe("planAssignments", () => {
  it("inserts a new assignment and counts it as an exposure on the UTC day of its time", () => {
    const record = assignment({ assignedAt: "2026-03-01T23:30:00-02:00" });
    const plan = planAssignments([record], nothingStored);
    expect(plan.variants).toEqual(["A"]);
    expect(plan.inserts).toEqual([record]);
    expect(countersOf(plan)).toEqual({
      "p1/e1: exposures/A": 1,
      "p1/e1: exposuresByDay/2026-03-02/A": 1,
    });
  });

  it("keeps the stored variant: no insert, no counter", () => {
    const asked: string[][] = [];
    const plan = planAssignments([assignment({ variantKey: "B" })], (p, e, u) => {
      asked.push([p, e, u]);
      return "A";
    });
    expect(asked).toEqual([["p1", "e1", "u1"]]);
    expect(plan).toEqual({ variants: ["A"], inserts: [], counters: [] });
  });

  it("lets the first record of an entity in the call win over later ones", () => {
    const first = assignment({ variantKey: "B", covariates: { age: 30 } });
    const plan = planAssignments(
      [first, assignment({ variantKey: "A", covariates: { age: 99 } }), assignment()],
      nothingStored,
    );
    expect(plan.variants).toEqual(["B", "B", "B"]);
    expect(plan.inserts).toEqual([first]);
    expect(countersOf(plan)).toEqual({
      "p1/e1: exposures/B": 1,
      "p1/e1: exposuresByDay/2026-03-01/B": 1,
      "p1/e1: covariate/age/B/entities": 1,
      "p1/e1: covariate/age/B/sum": 30,
      "p1/e1: covariate/age/B/sumSquares": 900,
    });
  });

  it("keys first-writer-wins by project, experiment and entity", () => {
    const stored = new Map([["p1\u0000e1\u0000u1", "A"]]);
    const records = [
      assignment({ variantKey: "B" }),
      assignment({ projectId: "p2", variantKey: "B" }),
      assignment({ experimentId: "e2", variantKey: "B" }),
      assignment({ entityId: "u2", variantKey: "B" }),
    ];
    const plan = planAssignments(records, (p, e, u) => stored.get(`${p}\u0000${e}\u0000${u}`));
    expect(plan.variants).toEqual(["A", "B", "B", "B"]);
    expect(plan.inserts).toEqual(records.slice(1));
    expect(countersOf(plan)).toMatchObject({
      "p2/e1: exposures/B": 1,
      "p1/e2: exposures/B": 1,
      "p1/e1: exposures/B": 1,
    });
    expect(countersOf(plan)["p1/e1: exposures/A"]).toBeUndefined();
  });

  it("counts an exposure without a day when its time does not parse", () => {
    const plan = planAssignments([assignment({ assignedAt: "not a time" })], nothingStored);
    expect(plan.inserts).toHaveLength(1);
    expect(countersOf(plan)).toEqual({ "p1/e1: exposures/A": 1 });
  });

  it("adds each covariate's count, sum and sum of squares to its variant", () => {
    const plan = planAssignments(
      [
        assignment({ entityId: "u1", covariates: { age: 20, spend: -1.5 } }),
        assignment({ entityId: "u2", covariates: { age: 40 } }),
        assignment({ entityId: "u3", variantKey: "B", covariates: { age: 0 } }),
        assignment({ entityId: "u4" }),
      ],
      nothingStored,
    );
    const counters = countersOf(plan);
    expect(counters).toMatchObject({
      "p1/e1: covariate/age/A/entities": 2,
      "p1/e1: covariate/age/A/sum": 60,
      "p1/e1: covariate/age/A/sumSquares": 2000,
      "p1/e1: covariate/spend/A/entities": 1,
      "p1/e1: covariate/spend/A/sum": -1.5,
      "p1/e1: covariate/spend/A/sumSquares": 2.25,
      "p1/e1: covariate/age/B/entities": 1,
      "p1/e1: covariate/age/B/sum": 0,
      "p1/e1: covariate/age/B/sumSquares": 0,
    });
    expect(counters["p1/e1: exposures/A"]).toBe(3);
  });

  it("merges the increments of one counter into one, per project and experiment", () => {
    const plan = planAssignments(
      [
        assignment({ entityId: "u1" }),
        assignment({ entityId: "u2" }),
        assignment({ entityId: "u3", assignedAt: "2026-03-02T00:00:00.000Z" }),
        assignment({ entityId: "u4", experimentId: "e2" }),
        assignment({ entityId: "u5", projectId: "p2" }),
      ],
      nothingStored,
    );
    expect(countersOf(plan)).toEqual({
      "p1/e1: exposures/A": 3,
      "p1/e1: exposuresByDay/2026-03-01/A": 2,
      "p1/e1: exposuresByDay/2026-03-02/A": 1,
      "p1/e2: exposures/A": 1,
      "p1/e2: exposuresByDay/2026-03-01/A": 1,
      "p2/e1: exposures/A": 1,
      "p2/e1: exposuresByDay/2026-03-01/A": 1,
    });
    expect(plan.counters[0]).toEqual({
      projectId: "p1",
      experimentId: "e1",
      counter: counterId.exposures("A"),
      delta: 3,
    });
  });

  it("plans nothing for an empty call", () => {
    expect(planAssignments([], nothingStored)).toEqual({ variants: [], inserts: [], counters: [] });
  });
});
