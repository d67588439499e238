import { join } from "node:path";
import { createAbkit, type EventInput, newId } from "@abkit/core";
import { seededRandom } from "@abkit/store-tests";
import { describe, expect, it } from "vitest";
import { sqliteStore } from "../src/index.js";
import { useTempDir } from "./fixtures/tempDir.js";

const tempDir = useTempDir();
const USERS = 20_000;

/** Box–Muller normal draws from a uniform generator. */
function normal(next: () => number, mean: number, sd: number): number {
  return mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

async function simulate(options: {
  rates: Record<string, number>;
  tokens: Record<string, number>;
  seed: number;
}) {
  const store = sqliteStore({ path: join(tempDir(), "results.db") });
  const abkit = createAbkit({ store });
  await abkit.experiments.create({
    key: "math-bot-system-prompt-v2",
    variants: [
      { key: "control", weight: 50, config: { prompt: "short" } },
      { key: "treatment", weight: 50, config: { prompt: "step by step" } },
    ],
    metrics: [
      { name: "thumbs_up", kind: "binomial", primary: true },
      { name: "output_tokens", kind: "sum" },
    ],
  });
  await abkit.experiments.start("math-bot-system-prompt-v2");
  const next = seededRandom(options.seed);
  const events: EventInput[] = [];
  for (let i = 0; i < USERS; i++) {
    const entityId = `user_${i}`;
    const { variantKey } = await abkit.evaluate({
      experimentKey: "math-bot-system-prompt-v2",
      entityId,
    });
    const variant = variantKey as string;
    if (next() < (options.rates[variant] ?? 0)) {
      events.push({ entityId, metricName: "thumbs_up", idempotencyKey: `thumbs_up:${entityId}` });
    }
    events.push({
      entityId,
      metricName: "output_tokens",
      value: Math.round(normal(next, options.tokens[variant] ?? 0, 60)),
    });
    if (i % 10 === 0) {
      await abkit.log("math-bot-system-prompt-v2", {
        variantKey: variant,
        metrics: { latency_ms: 200 + 800 * next() },
      });
    }
  }
  for (let i = 0; i < events.length; i += 1000) await abkit.track(events.slice(i, i + 1000));
  return { abkit, store, events };
}

describe("results end to end on SQLite", () => {
  it("covers a known true effect, passes SRM, and is unchanged by duplicate events", async () => {
    const { abkit, store, events } = await simulate({
      rates: { control: 0.3, treatment: 0.35 },
      tokens: { control: 400, treatment: 380 },
      seed: 42,
    });
    const results = await abkit.results("math-bot-system-prompt-v2");
    expect(results.variants.reduce((sum, v) => sum + v.users, 0)).toBe(USERS);
    expect(results.srm?.mismatch).toBe(false);

    const thumbs = results.metrics.find((metric) => metric.name === "thumbs_up")!;
    const [control, treatment] = thumbs.variants;
    expect(control?.value).toBeCloseTo(0.3, 1);
    const effect = treatment!.comparison!;
    expect(effect.absolute.ci![0]).toBeLessThan(0.05);
    expect(effect.absolute.ci![1]).toBeGreaterThan(0.05);
    expect(effect.pValue).toBeLessThan(0.001);
    expect(effect.chanceToBeatControl).toBeGreaterThan(0.99);
    // The always-valid interval is wider, and also covers the truth.
    expect(effect.sequential!.ci[0]).toBeLessThan(effect.absolute.ci![0]);
    expect(effect.sequential!.ci[0]).toBeLessThan(0.05);
    expect(effect.sequential!.ci[1]).toBeGreaterThan(0.05);

    const tokens = results.metrics.find((metric) => metric.name === "output_tokens")!.variants[1]!
      .comparison!;
    expect(tokens.absolute.ci![0]).toBeLessThan(-20);
    expect(tokens.absolute.ci![1]).toBeGreaterThan(-20);

    const latency = results.logMetrics.find((metric) => metric.name === "latency_ms")!;
    expect(latency.variants.reduce((sum, v) => sum + v.count, 0)).toBe(USERS / 10);
    expect(latency.variants[0]!.p50).toBeGreaterThan(500);
    expect(latency.variants[0]!.p50).toBeLessThan(700);

    // Every thumbs_up again, twice, concurrently: through this engine and a second one on the same file.
    const repeats = events.filter((event) => event.idempotencyKey !== undefined);
    const other = createAbkit({ store: sqliteStore({ path: join(tempDir(), "results.db") }) });
    const chunks = Array.from({ length: Math.ceil(repeats.length / 1000) }, (_, i) =>
      repeats.slice(i * 1000, (i + 1) * 1000),
    );
    const outcomes = await Promise.all([
      ...chunks.map((chunk) => abkit.track(chunk)),
      ...chunks.map((chunk) => other.track(chunk)),
    ]);
    expect(outcomes.reduce((sum, outcome) => sum + outcome.accepted, 0)).toBe(0);
    expect(await abkit.results("math-bot-system-prompt-v2")).toEqual(results);
    await other.store.close();
    await store.close();
  }, 60_000);

  it("flags no SRM in an A/A test", async () => {
    const { abkit, store } = await simulate({
      rates: { control: 0.3, treatment: 0.3 },
      tokens: { control: 400, treatment: 400 },
      seed: 7,
    });
    const results = await abkit.results("math-bot-system-prompt-v2");
    expect(results.srm?.mismatch).toBe(false);
    expect(results.srm?.pValue).toBeGreaterThan(0.001);
    await store.close();
  }, 60_000);

  it("flags a 45/55 split of a 50/50 experiment as a sample-ratio mismatch", async () => {
    const store = sqliteStore({ path: join(tempDir(), "srm.db") });
    const abkit = createAbkit({ store });
    const { id } = await abkit.experiments.create({
      key: "skewed",
      variants: [
        { key: "control", weight: 50 },
        { key: "treatment", weight: 50 },
      ],
    });
    await abkit.experiments.start("skewed");
    // Exposures as a buggy client would leave them: 9,000 control, 11,000 treatment.
    const assignedAt = new Date().toISOString();
    await store.recordAssignments(
      Array.from({ length: USERS }, (_, i) => ({
        projectId: "default",
        experimentId: id,
        entityId: newId("evt"),
        variantKey: i < 9000 ? "control" : "treatment",
        assignedAt,
      })),
    );
    const { srm, variants } = await abkit.results("skewed");
    expect(variants.map((variant) => variant.users)).toEqual([9000, 11000]);
    expect(srm?.mismatch).toBe(true);
    expect(srm?.pValue ?? 1).toBeLessThan(1e-6);
    await store.close();
  });
});
