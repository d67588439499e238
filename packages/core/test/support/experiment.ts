import type { Experiment } from "../../src/schema/experiment.js";

/**
 * A running experiment as the store holds it, for tests that build results from aggregates
 * they make themselves: two 50/50 arms and a primary binomial `thumbs_up`, changed by
 * `overrides`.
 */
export function runningExperiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    id: "exp_1",
    projectId: "default",
    key: "prompt",
    name: "prompt",
    description: "",
    variants: [
      { key: "A", weight: 50, config: null },
      { key: "B", weight: 50, config: null },
    ],
    segments: [],
    coverage: 1,
    hashSeed: "prompt",
    hashVersion: 2,
    namespace: null,
    metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
    environment: "production",
    flagKey: null,
    overrides: {},
    holdout: null,
    bandit: null,
    status: "running",
    revision: 2,
    createdAt: "",
    updatedAt: "",
    startedAt: "",
    stoppedAt: null,
    ...overrides,
  };
}
