import { createAbkit, type LogMetricVariant, type LogRecord, ValidationError } from "@abkit/core";
import { memoryStore } from "@abkit/memory";

export const EXPERIMENT = "ai-news-answer-prompt";

/** The prompt each variant carries. */
interface PromptConfig {
  prompt: string;
}

const QUESTIONS = [
  "What are the latest AI advancements?",
  "Summarize this week's chip news.",
  "What changed in the new EU AI rules?",
  "Which open models were released this month?",
];

export interface LlmLogRun {
  lines: string[];
  /** Calls logged, per variant. */
  logged: Record<string, number>;
  /** Every log read back page by page, newest first. */
  paged: LogRecord[];
  /** How many pages that took. */
  pages: number;
  /** The error of a log naming a variant the experiment does not have. */
  unknownVariant: { name: string; code: string; message: string } | null;
  /** Per log metric, per variant: count, mean, p50, p95, p99. */
  logMetrics: { name: string; variants: LogMetricVariant[] }[];
}

/**
 * Seed 001's story, embedded: two prompts, each LLM call logged with its input, output,
 * metrics and context, the logs paged back, and the per-variant latency, token and cost summary.
 */
export async function runLlmLog(calls = 500, seed = 1001): Promise<LlmLogRun> {
  const lines: string[] = [];
  const abkit = createAbkit({ store: memoryStore() });
  await abkit.experiments.create({
    key: EXPERIMENT,
    name: "News answer prompt",
    variants: [
      { key: "A", weight: 50, config: { prompt: "Answer in two sentences." } },
      {
        key: "B",
        weight: 50,
        config: { prompt: "Answer in detail, citing the sources and what each one says." },
      },
    ],
  });
  await abkit.experiments.start(EXPERIMENT);

  // Each call: pick the session's prompt, "call the model" (simulated), log what happened.
  // B's longer answers take longer and cost more.
  const random = mulberry32(seed);
  const logged: Record<string, number> = {};
  for (let i = 0; i < calls; i++) {
    const sessionId = `session_${i % 200}`;
    const { variantKey, config } = await abkit.evaluate<PromptConfig>({
      experimentKey: EXPERIMENT,
      entityId: sessionId,
    });
    const variant = variantKey ?? "A";
    const query = QUESTIONS[i % QUESTIONS.length] ?? "";
    // One call in 20 rambles: two and a half times the usual length.
    const tokens = Math.round(
      (variant === "B" ? 220 : 90) * (0.6 + 0.8 * random()) * (random() < 0.05 ? 2.5 : 1),
    );
    const latency = Math.round(250 + tokens * (variant === "B" ? 9 : 8) * (0.7 + 0.6 * random()));
    await abkit.log(EXPERIMENT, {
      variantKey: variant,
      input: { query, system: config?.prompt ?? "" },
      output: { response: `(${tokens} tokens answering "${query}")` },
      metrics: {
        latency_ms: latency,
        token_count: tokens,
        cost_usd: Number((tokens * 0.000_002).toFixed(6)),
      },
      context: { session_id: sessionId, environment: "production" },
    });
    logged[variant] = (logged[variant] ?? 0) + 1;
  }
  lines.push(
    `Logged ${calls} calls: ${Object.entries(logged)
      .sort()
      .map(([key, count]) => `${key} ${count}`)
      .join(", ")}`,
  );

  // Page through the logs, newest first, 100 at a time.
  const paged: LogRecord[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await abkit.logs(EXPERIMENT, { limit: 100, ...(cursor ? { cursor } : {}) });
    if (pages === 0) {
      lines.push("", "Newest 3 logs:");
      for (const log of page.logs.slice(0, 3)) {
        lines.push(
          `  ${log.id} variant=${log.variantKey} ${JSON.stringify(log.metrics)} ${JSON.stringify(log.context)}`,
        );
      }
    }
    paged.push(...page.logs);
    pages += 1;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  lines.push(`Read back ${paged.length} logs in ${pages} pages of up to 100.`);

  // A variant the experiment does not have is refused with a typed error.
  let unknownVariant: LlmLogRun["unknownVariant"] = null;
  try {
    await abkit.log(EXPERIMENT, { variantKey: "C", metrics: { latency_ms: 1 } });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    unknownVariant = { name: error.name, code: error.code, message: error.message };
    lines.push("", `Logging variant "C": ${error.name} (${error.code}): ${error.message}`);
  }

  const { logMetrics } = await abkit.results(EXPERIMENT);
  lines.push("", "Log metrics per variant:");
  for (const metric of logMetrics) {
    lines.push(`  ${metric.name}`);
    for (const v of metric.variants) {
      lines.push(
        `    ${v.variantKey}  count ${String(v.count).padStart(3)}  mean ${fmt(v.mean)}  p50 ${fmt(v.p50)}  p95 ${fmt(v.p95)}  p99 ${fmt(v.p99)}`,
      );
    }
  }

  await abkit.close();
  return { lines, logged, paged, pages, unknownVariant, logMetrics };
}

// --- Internal helpers ---

function fmt(value: number | null): string {
  if (value === null) return "n/a".padStart(9);
  return (Math.abs(value) < 1 ? value.toFixed(6) : value.toFixed(1)).padStart(9);
}

/** A seeded generator (mulberry32): the example prints the same numbers every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
