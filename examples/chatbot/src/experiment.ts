import type { Abkit } from "@abkit/core";

export const EXPERIMENT = "math-bot-system-prompt-v2";

/** What each variant configures: the system prompt and the sampling temperature. */
export interface PromptConfig {
  prompt: string;
  temperature: number;
}

/** What users outside the test get. */
export const DEFAULT_CONFIG: PromptConfig = {
  prompt: "You are a math tutor. Give the final answer in one sentence.",
  temperature: 0.2,
};

/**
 * Creates the segment and the experiment and starts it, unless an earlier run did: a second
 * run on the same file reuses them (and its users keep their variants).
 */
export async function ensureExperiment(abkit: Abkit): Promise<"created" | "reused"> {
  const existing = await abkit.experiments.get(EXPERIMENT);
  if (existing) {
    if (existing.status === "draft") await abkit.experiments.start(EXPERIMENT);
    return "reused";
  }
  if (!(await abkit.segments.get("es-fr"))) {
    await abkit.segments.create({
      key: "es-fr",
      name: "Spain and France",
      condition: { country: { $in: ["ES", "FR"] } },
    });
  }
  await abkit.experiments.create({
    key: EXPERIMENT,
    name: "Math tutor system prompt",
    segments: ["es-fr"],
    variants: [
      { key: "control", weight: 50, config: { ...DEFAULT_CONFIG } },
      {
        key: "treatment",
        weight: 50,
        config: {
          prompt:
            "You are a math tutor. Walk through the problem step by step, then state the final answer.",
          temperature: 0.2,
        },
      },
    ],
    metrics: [
      { name: "thumbs_up", kind: "binomial", primary: true },
      // Tokens cost money and time: fewer is better, so P(beats control) asks "fewer?".
      { name: "output_tokens", kind: "mean", direction: "lower" },
      // The judge grades each logged answer after the fact: one observation per answer.
      { name: "judge_score", kind: "mean", unit: "execution" },
      // What an answer costs, priced from its tokens (below): it may at most double.
      {
        name: "cost",
        kind: "mean",
        unit: "execution",
        direction: "lower",
        guardrail: { harm: "increase", tolerance: 1 },
      },
    ],
    // Both prompts run on the same small model: US$ per 1,000 input and output tokens.
    pricing: {
      variants: {
        control: { input: 0.00015, output: 0.0006 },
        treatment: { input: 0.00015, output: 0.0006 },
      },
    },
    // Sized to detect a 10% relative lift in thumbs up: results say how many users remain.
    plan: { mde: 0.1, power: 0.8 },
    // Each metric broken down by the user's country (read at first exposure).
    dimensions: ["country"],
  });
  await abkit.experiments.start(EXPERIMENT);
  return "created";
}
