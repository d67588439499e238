import { buildResults, type ExperimentResults, type Metric } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { decideGate, readInterval } from "../src/gate/decide.js";
import { parsePolicy } from "../src/gate/policy.js";
import { binomialArm, storedExperiment } from "./storedExperiment.js";

// Three arms of 10,000 users: A the control at 10%, B at 12% (better), C at 8% (worse).
const rate = binomialArm;

function results(metric: Partial<Metric> = {}): ExperimentResults {
  const experiment = storedExperiment({
    key: "three",
    name: "three",
    hashSeed: "three",
    variants: [
      { key: "A", weight: 34, config: null },
      { key: "B", weight: 33, config: null },
      { key: "C", weight: 33, config: null },
    ],
    metrics: [{ name: "conversion", kind: "binomial", primary: true, ...metric } as Metric],
  });
  return buildResults(
    experiment,
    {
      exposures: { A: 10_000, B: 10_000, C: 10_000 },
      exposuresByDay: {},
      metrics: { conversion: { A: rate(1000), B: rate(1200), C: rate(800) } },
      covariates: {},
      covariateProducts: {},
      crossProducts: {},
      eventsByDay: {},
      metricsByDay: {},
      slices: {},
    },
    {},
    0.05,
  );
}

describe("decideGate over several treatments", () => {
  it("fails when any treatment is worse, even beside a winner, naming the loser", () => {
    const decision = decideGate(results(), parsePolicy({}));
    expect(decision.decision).toBe("fail");
    expect(decision.variant).toBe("C");
    expect(decision.numbers.treatments.map((t) => [t.variantKey, t.reading])).toEqual([
      ["B", "better"],
      ["C", "worse"],
    ]);
  });

  it("judges only the named variant, on the fixed interval worked by hand", () => {
    const decision = decideGate(results(), parsePolicy({ variant: "B", interval: "fixed" }));
    expect(decision.decision).toBe("pass");
    expect(decision.variant).toBe("B");
    // Newcombe's hybrid score interval of 0.12 - 0.10 on 10,000 users each (docs/statistics.md),
    // worked in Python: Wilson intervals at z = 1.959964 of 1200/10000 and 1000/10000, then
    // d - sqrt((p1 - l1)^2 + (u2 - p2)^2), d + sqrt((u1 - p1)^2 + (p2 - l2)^2)
    // = [0.0113312, 0.0286748].
    const [treatment] = decision.numbers.treatments;
    expect(treatment!.estimate).toBeCloseTo(0.02, 12);
    expect(treatment!.interval![0]).toBeCloseTo(0.0113312, 6);
    expect(treatment!.interval![1]).toBeCloseTo(0.0286748, 6);
  });

  it("reads a lower-is-better metric the other way round", () => {
    const decision = decideGate(results({ direction: "lower" }), parsePolicy({}));
    expect(decision.decision).toBe("fail");
    expect(decision.variant).toBe("B");
    const passed = decideGate(results({ direction: "lower" }), parsePolicy({ variant: "C" }));
    expect(passed.decision).toBe("pass");
  });

  it("reports a worse metric as inconclusive when failOn leaves it out", () => {
    const decision = decideGate(results(), parsePolicy({ variant: "C", failOn: [] }));
    expect(decision.decision).toBe("inconclusive");
    expect(decision.exitCode).toBe(2);
  });
});

describe("readInterval", () => {
  it("is better, worse or unclear by the side of 0 and the direction", () => {
    expect(readInterval([0.1, 0.2], "higher")).toBe("better");
    expect(readInterval([0.1, 0.2], "lower")).toBe("worse");
    expect(readInterval([-0.2, -0.1], "higher")).toBe("worse");
    expect(readInterval([-0.2, -0.1], "lower")).toBe("better");
    expect(readInterval([-0.1, 0.1], "higher")).toBe("unclear");
    // An interval touching 0 does not exclude it.
    expect(readInterval([0, 0.1], "higher")).toBe("unclear");
    expect(readInterval(null, "higher")).toBe("unclear");
  });
});
