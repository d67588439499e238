import { createAbkit } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { AbkitProvider } from "@abkit/openfeature";
import { OpenFeature } from "@openfeature/server-sdk";

export const FLAG = "checkout_flow";
export const EXPERIMENT = "checkout-flow-test";

/** The conversion rate the simulation gives each served value. */
const RATES: Record<string, number> = { old_checkout: 0.1, new_checkout: 0.14 };

export interface OpenFeatureRun {
  lines: string[];
  /** Users per `variant` (abkit variant key) as OpenFeature reported it. */
  served: Record<string, number>;
  /** Reasons OpenFeature reported, counted. */
  reasons: Record<string, number>;
  /** Conversions sent through `client.track`. */
  tracked: number;
  /** Per variant, from `abkit.results()`: users and users who converted. */
  results: { variantKey: string; users: number; conversions: number; rate: number | null }[];
}

/**
 * A string flag with a running experiment, read only through the OpenFeature API: the app
 * evaluates `checkout_flow` for simulated users, tracks conversions with `client.track`,
 * and prints abkit's results.
 *
 * @example
 * const run = await runOpenFeature(2000);
 * for (const line of run.lines) console.log(line);
 */
export async function runOpenFeature(users = 2000, seed = 7): Promise<OpenFeatureRun> {
  // Setup: the only abkit calls are defining the flag and experiment, and reading results.
  const abkit = createAbkit({ store: memoryStore() });
  await abkit.flags.create({ key: FLAG, type: "string", defaultValue: "old_checkout" });
  await abkit.experiments.create({
    key: EXPERIMENT,
    variants: [
      { key: "control", weight: 50, config: "old_checkout" },
      { key: "treatment", weight: 50, config: "new_checkout" },
    ],
    metrics: [{ name: "conversion", kind: "binomial", primary: true }],
  });
  await abkit.flags.attach(FLAG, EXPERIMENT);
  await abkit.experiments.start(EXPERIMENT);
  const provider = new AbkitProvider(abkit);
  await OpenFeature.setProviderAndWait(provider);

  // The app: OpenFeature only.
  const client = OpenFeature.getClient("checkout");
  const random = mulberry32(seed);
  const served: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  let tracked = 0;
  for (let i = 0; i < users; i++) {
    const context = { targetingKey: `usr_${i}`, country: i % 2 ? "ES" : "FR" };
    const details = await client.getStringDetails(FLAG, "old_checkout", context);
    served[details.variant ?? "none"] = (served[details.variant ?? "none"] ?? 0) + 1;
    reasons[details.reason ?? "none"] = (reasons[details.reason ?? "none"] ?? 0) + 1;
    if (random() < (RATES[details.value] ?? 0)) {
      client.track("conversion", context, { value: 1, idempotencyKey: `order_${i}` });
      tracked += 1;
    }
  }
  await OpenFeature.close(); // stops polling and waits for tracked events

  const report = await abkit.results(EXPERIMENT);
  const conversion = report.metrics.find((metric) => metric.name === "conversion");
  const results = (conversion?.variants ?? []).map((variant) => ({
    variantKey: variant.variantKey,
    users: variant.users,
    conversions: variant.usersWithEvents,
    rate: variant.value,
  }));
  await abkit.close();

  const lines = [
    `${users} users evaluated "${FLAG}" through OpenFeature: ${entries(served)} (reasons: ${entries(reasons)})`,
    `Conversions tracked with client.track: ${tracked}`,
    "Results from abkit:",
    ...results.map(
      (row) =>
        `  ${row.variantKey.padEnd(9)} users ${String(row.users).padStart(5)}  conversions ${String(row.conversions).padStart(4)}  rate ${row.rate === null ? "n/a" : `${(100 * row.rate).toFixed(1)}%`}`,
    ),
  ];
  return { lines, served, reasons, tracked, results };
}

// --- Internal helpers ---

function entries(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, count]) => `${key} ${count}`)
    .join(", ");
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
