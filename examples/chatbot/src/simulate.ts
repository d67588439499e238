import type { Abkit, EventInput } from "@abkit/core";
import { DEFAULT_CONFIG, EXPERIMENT, type PromptConfig } from "./experiment.js";
import { judgeAnswer } from "./judge.js";

const COUNTRIES = ["ES", "FR", "DE", "US", "ES", "FR", "IT", "MX"];
// The simulated truth: the step-by-step prompt earns more thumbs up, costs more tokens.
const THUMBS_UP_RATE = { control: 0.3, treatment: 0.34 } as Record<string, number>;
const TOKENS = { control: 120, treatment: 210 } as Record<string, number>;
const LATENCY_MS = { control: 650, treatment: 980 } as Record<string, number>;

/** What a simulation did. */
export interface SimulationSummary {
  users: number;
  inExperiment: number;
  accepted: number;
  deduped: number;
  logged: number;
  /** Answers the simulated judge scored (each once; a repeat would be a no-op). */
  scored: number;
}

/**
 * Simulates `users` chatbot users. Everything is seeded and every event carries an
 * idempotency key, so a second run on the same database re-sends the same events and every
 * one of them is deduped: the results do not move.
 */
export async function simulate(
  abkit: Abkit,
  users: number,
  options: { log: boolean; onProgress?: (done: number) => void },
): Promise<SimulationSummary> {
  const next = seededRandom(42);
  const summary: SimulationSummary = {
    users,
    inExperiment: 0,
    accepted: 0,
    deduped: 0,
    logged: 0,
    scored: 0,
  };
  let events: EventInput[] = [];
  const flush = async () => {
    const result = await abkit.track(events);
    summary.accepted += result.accepted;
    summary.deduped += result.deduped;
    events = [];
  };
  for (let i = 0; i < users; i++) {
    const entityId = `user_${i}`;
    const country = COUNTRIES[i % COUNTRIES.length] ?? "ES";
    const { variantKey, config } = await abkit.evaluate<PromptConfig>({
      experimentKey: EXPERIMENT,
      entityId,
      properties: { country },
    });
    const prompt = (config ?? DEFAULT_CONFIG).prompt;
    // Draws happen for everyone, so each user's outcome is the same on every run.
    const [clicked, doubleClick, tokenNoise, latencyNoise, judgeNoise] = [
      next(),
      next(),
      next(),
      next(),
      next(),
    ];
    if (variantKey === null) continue;
    summary.inExperiment += 1;
    const tokens = Math.round((TOKENS[variantKey] ?? 150) * (0.6 + 0.8 * tokenNoise));
    const latency = Math.round((LATENCY_MS[variantKey] ?? 800) * (0.5 + latencyNoise));
    events.push({
      entityId,
      metricName: "output_tokens",
      value: tokens,
      idempotencyKey: `tokens:${entityId}`,
    });
    if (clicked < (THUMBS_UP_RATE[variantKey] ?? 0)) {
      const thumbsUp = {
        entityId,
        metricName: "thumbs_up",
        idempotencyKey: `thumbs_up:${entityId}:message_1`,
      };
      // Some users double-click: the repeat carries the same key and is deduped.
      events.push(thumbsUp, ...(doubleClick < 0.15 ? [thumbsUp] : []));
    }
    if (options.log) {
      const question = `What is ${i % 97} x ${i % 13}?`;
      // The experiment's pricing turns the token counts into the log's `cost`.
      const { logId } = await abkit.log(EXPERIMENT, {
        variantKey,
        // The input is what a replay of a new prompt needs: the user's question.
        input: { question },
        output: { answer: String((i % 97) * (i % 13)) },
        metrics: {
          latency_ms: latency,
          input_tokens: Math.round((prompt.length + question.length) / 4),
          output_tokens: tokens,
        },
        context: { country, systemPrompt: prompt },
      });
      summary.logged += 1;
      // The judge's grade arrives after the answer; scoring twice would count once.
      const judged = await abkit.score({
        logId,
        name: "judge_score",
        value: judgeAnswer(variantKey, judgeNoise),
        source: "simulated-judge",
      });
      if (judged.created) summary.scored += 1;
    }
    if (events.length >= 500) await flush();
    if (i % 250 === 0) options.onProgress?.(i);
  }
  await flush();
  options.onProgress?.(users);
  return summary;
}

/** A seeded generator (mulberry32): the same users on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
