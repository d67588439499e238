import type { Experiment } from "@abkit/core";

/**
 * A running experiment as a store holds it, for tests that build results from aggregates
 * they make themselves: 50/50 arms A and B and a primary binomial `thumbs_up`, changed by
 * `overrides`.
 */
export function storedExperiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    id: "exp_1",
    projectId: "default",
    key: "checkout",
    name: "checkout",
    description: "",
    variants: [
      { key: "A", weight: 50, config: null },
      { key: "B", weight: 50, config: null },
    ],
    segments: [],
    coverage: 1,
    hashSeed: "checkout",
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

/** A binomial arm's aggregate: `converted` users with one event each. */
export const binomialArm = (converted: number) => ({
  events: converted,
  sum: converted,
  sumSquares: converted,
  entities: converted,
});
