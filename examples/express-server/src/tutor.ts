import { type Abkit, createApiKey, type Store } from "@abkit/core";

/** Seed 000's math-tutor prompt experiment, the one this app's /chat route asks about. */
export const EXPERIMENT = "math-bot-system-prompt-v2";

/** The config each variant carries. */
export interface PromptConfig {
  prompt: string;
  temperature: number;
}

/** What a user gets when not in the test (experiment stopped, unknown...): always keep one. */
export const FALLBACK: PromptConfig = {
  prompt: "You are a math tutor. Give the final answer in one sentence.",
  temperature: 0.2,
};

/** The organization and project the first admin key is created for. */
const BOOTSTRAP = { organizationId: "default", projectId: "default" } as const;

/**
 * Makes sure the experiment exists and runs: creates it on a fresh store, starts it when it
 * is still a draft, and leaves a running, stopped or shipped one alone.
 */
export async function ensureExperiment(abkit: Abkit): Promise<"created" | "started" | "existing"> {
  const existing = await abkit.experiments.get(EXPERIMENT);
  if (existing && existing.status !== "draft") return "existing";
  if (!existing) {
    await abkit.experiments.create({
      key: EXPERIMENT,
      name: "Math tutor system prompt",
      variants: [
        { key: "control", weight: 50, config: { ...FALLBACK } },
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
      metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
    });
  }
  await abkit.experiments.start(EXPERIMENT);
  return existing ? "started" : "created";
}

/**
 * Creates an admin key when organization "default" has none (a fresh store) and returns its
 * plaintext, shown this once only; null when keys exist already.
 */
export async function ensureAdminKey(store: Store): Promise<string | null> {
  if ((await store.listApiKeys(BOOTSTRAP.organizationId)).length > 0) return null;
  const { plaintext } = await createApiKey(store, {
    ...BOOTSTRAP,
    name: "admin (created by the express example)",
    scopes: ["admin"],
  });
  return plaintext;
}

/** A stand-in for the model call: a real app sends `config.prompt` and the message to its LLM. */
export function fakeAnswer(config: PromptConfig, message: string): string {
  return config.prompt.includes("step by step")
    ? `(model, step by step) Let's work through "${message}" one step at a time...`
    : `(model, one sentence) The answer to "${message}" is...`;
}
