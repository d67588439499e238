import { memoryStore } from "@abkit/memory";
import { createAbkit, type ExperimentInput, type Store } from "../../src/index.js";

/** A two-variant prompt experiment in seed 000's style. */
export function promptExperiment(overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    key: "math-bot-system-prompt-v2",
    variants: [
      {
        key: "control",
        weight: 50,
        config: { prompt: "Answer in one sentence.", temperature: 0.2 },
      },
      {
        key: "treatment",
        weight: 50,
        config: { prompt: "Walk through it step by step.", temperature: 0.2 },
      },
    ],
    metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
    ...overrides,
  };
}

/** An engine on a fresh memory store. */
export function newEngine(
  store: Store = memoryStore(),
  options: { refreshIntervalMs?: number } = {},
) {
  return createAbkit({ store, ...options });
}
