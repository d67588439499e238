import { describe, expect, it } from "vitest";
import { Increments } from "../../src/aggregation/increments.js";

describe("Increments", () => {
  it("sums deltas per (project, experiment, counter), by experiment in the order first touched", () => {
    const increments = new Increments();
    increments.add("p1", "e1", "exposures/A", 1);
    increments.add("p1", "e2", "exposures/A", 1);
    increments.add("p2", "e1", "exposures/A", 1);
    increments.add("p1", "e1", "exposures/B", 1);
    increments.add("p1", "e1", "exposures/A", 2);
    increments.add("p1", "e1", "exposures/B", -1);
    expect(increments.list()).toEqual([
      { projectId: "p1", experimentId: "e1", counter: "exposures/A", delta: 3 },
      { projectId: "p1", experimentId: "e1", counter: "exposures/B", delta: 0 },
      { projectId: "p1", experimentId: "e2", counter: "exposures/A", delta: 1 },
      { projectId: "p2", experimentId: "e1", counter: "exposures/A", delta: 1 },
    ]);
  });

  it("keeps ids apart whose parts join to the same text", () => {
    const increments = new Increments();
    increments.add("p", "e/x", "c", 1);
    increments.add("p", "e", "x/c", 1);
    expect(increments.list()).toHaveLength(2);
  });

  it("lists nothing before the first add", () => {
    expect(new Increments().list()).toEqual([]);
  });
});
