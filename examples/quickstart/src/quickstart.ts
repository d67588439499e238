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

  // Thumbs up: 30% of control users, 34% of treatment users; every 10th click is sent twice.
  const next = seeded(2026);
  const events = [];
  for (let i = 0; i < total; i++) {
    const { variantKey } = await promptFor(abkit, `user_${i}`, i % 2 === 0 ? "ES" : "FR");
    if (next() < (variantKey === "treatment" ? 0.34 : 0.3)) {
      const event = {
        entityId: `user_${i}`,
        metricName: "thumbs_up",
        idempotencyKey: `thumbs_up:${i}`,
      };
      events.push(event, ...(i % 10 === 0 ? [event] : []));
    }
  }
  let accepted = 0;
  let deduped = 0;
  for (let i = 0; i < events.length; i += 1000) {
    const outcome = await abkit.track(events.slice(i, i + 1000));
    accepted += outcome.accepted;
    deduped += outcome.deduped;
  }
  lines.push(`Tracked thumbs_up: ${accepted} accepted, ${deduped} deduped`);

  const results = await abkit.results(EXPERIMENT);
  const thumbs = results.metrics.find((metric) => metric.name === "thumbs_up");
  lines.push("", "Results for thumbs_up (binomial):");
  for (const variant of thumbs?.variants ?? []) {
    const rate = `${(100 * (variant.value ?? 0)).toFixed(2)}%`;
    const effect = variant.comparison;
    const uplift = effect?.relative
      ? `uplift ${pct(effect.relative.estimate)} [${pct(effect.relative.ci?.[0])}, ${pct(effect.relative.ci?.[1])}], p=${effect.pValue?.toPrecision(2)}, P(beats control)=${pct(effect.chanceToBeatControl)}`
      : "(control)";
    lines.push(
      `  ${variant.variantKey.padEnd(10)} users ${variant.users}  rate ${rate}  ${uplift}`,
    );
  }
  lines.push(
    `  sample-ratio check: ${results.srm?.mismatch ? "MISMATCH" : "ok"} (p=${results.srm?.pValue.toPrecision(2)})`,
  );
  await abkit.close();
  return lines;
}

// --- Internal helpers ---

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "n/a" : `${(100 * value).toFixed(1)}%`;
}

/** A seeded generator (mulberry32): the demo prints the same numbers every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
