import { type Abkit, createAbkit } from "@abkit/core";
import { memoryStore } from "@abkit/memory";

export const EXPERIMENT = "math-bot-system-prompt-v2";

/** The prompt config each variant carries (seed 000's math tutor). */
export interface PromptConfig {
  prompt: string;
  temperature: number;
}

const defaultConfig: PromptConfig = {
  prompt: "You are a math tutor. Give the final answer in one sentence.",
  temperature: 0.2,
};

/** Sets up the experiment: a segment for Spain and France, two prompts, 50/50. */
export async function setUp(abkit: Abkit): Promise<void> {
  await abkit.segments.create({
    key: "es-fr",
    name: "Spain and France",
    condition: { country: { $in: ["ES", "FR"] } },
  });
  await abkit.experiments.create({
    key: EXPERIMENT,
    name: "Math tutor system prompt",
    segments: ["es-fr"],
    variants: [
      { key: "control", weight: 50, config: { ...defaultConfig } },
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
  await abkit.experiments.start(EXPERIMENT);
}

/** The system prompt a user gets: the variant's, or the default when not in the test. */
export async function promptFor(abkit: Abkit, userId: string, country: string) {
  const result = await abkit.evaluate<PromptConfig>({
    experimentKey: EXPERIMENT,
    entityId: userId,
    properties: { country },
  });
  return { ...result, prompt: (result.config ?? defaultConfig).prompt };
}

/** Runs the whole story and returns the lines it prints. */
export async function runQuickstart(): Promise<string[]> {
  const lines: string[] = [];
  const abkit = createAbkit({ store: memoryStore() });
  await setUp(abkit);
  lines.push(
    `Experiment "${EXPERIMENT}" is ${(await abkit.experiments.get(EXPERIMENT))?.status}.`,
    "",
  );

  for (const [userId, country] of [
    ["user_42", "ES"],
    ["user_7", "FR"],
    ["user_99", "DE"],
  ] as const) {
    const { variantKey, reason, prompt } = await promptFor(abkit, userId, country);
    lines.push(
      `${userId} (${country}): variant=${variantKey ?? "null"} (${reason})`,
      `  prompt: ${prompt}`,
    );
  }
  const again = await promptFor(abkit, "user_42", "ES");
  lines.push("", `user_42 asks again: variant=${again.variantKey} (same user, same variant)`);

  const counts = new Map<string, number>();
  const total = 20_000;
  for (let i = 0; i < total; i++) {
    const { variantKey } = await promptFor(abkit, `user_${i}`, i % 2 === 0 ? "ES" : "FR");
    counts.set(variantKey ?? "null", (counts.get(variantKey ?? "null") ?? 0) + 1);
  }
  lines.push("", `Split over ${total.toLocaleString("en-US")} users from ES/FR:`);
  for (const [variantKey, count] of [...counts].sort()) {
    lines.push(
      `  ${variantKey.padEnd(10)} ${String(count).padStart(6)}  ${((100 * count) / total).toFixed(2)}%`,
    );
  }

  await abkit.flush();
  const { exposures } = await abkit.store.readAggregates(
    abkit.project,
    (await abkit.experiments.get(EXPERIMENT))!.id,
  );
  lines.push("", `Exposures recorded in the store: ${JSON.stringify(exposures)}`);
  await abkit.close();
  return lines;
}
