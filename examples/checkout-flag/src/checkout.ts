import { type Abkit, createAbkit, isAbkitError } from "@abkit/core";
import { memoryStore } from "@abkit/memory";

export const FLAG = "checkout_flow";
export const EXPERIMENT = "checkout-flow-test";

/** Each variant's value and the conversion rate the simulation gives its users. */
const VARIANTS = [
  { key: "control", value: "old_checkout", rate: 0.1 },
  { key: "treatment", value: "new_checkout", rate: 0.14 },
] as const;

export interface VariantSummary {
  variantKey: string;
  value: string;
  users: number;
  conversions: number;
  rate: number | null;
  /** Relative uplift over control with its 95% interval; null for the control. */
  uplift: { estimate: number; ci: [number, number] | null } | null;
  pValue: number | null;
  chanceToBeatControl: number | null;
}

export interface CheckoutRun {
  lines: string[];
  /** What the flag served before the experiment started, to one user. */
  beforeStart: { value: unknown; reason: string };
  /** Users per flag value while the experiment ran. */
  served: Record<string, number>;
  /** Conversions sent (some twice, a double submit), counted and ignored. */
  sent: number;
  accepted: number;
  deduped: number;
  /** What the flag served after the experiment stopped, to users of both variants. */
  afterStop: { value: unknown; reason: string }[];
  /** The error code of a conversion tracked after the stop. */
  afterStopTrack: string | null;
  variants: VariantSummary[];
}

/** Seed 002's story, embedded: flag, attached experiment, start, evaluate, track, stop, results. */
export async function runCheckout(users = 4000, seed = 2026): Promise<CheckoutRun> {
  const lines: string[] = [];
  const abkit = createAbkit({ store: memoryStore() });

  // Step 1: a string flag whose default is the control value.
  await abkit.flags.create({
    key: FLAG,
    name: "Checkout Flow",
    type: "string",
    defaultValue: "control",
    enabled: true,
    description: "Checkout flow A/B test",
  });
  // Step 2: an experiment attached to it, 50/50; each variant's config is the flag's value.
  await abkit.experiments.create({
    key: EXPERIMENT,
    name: "Checkout Flow Test",
    variants: VARIANTS.map(({ key, value }) => ({ key, weight: 50, config: value })),
    metrics: [{ name: "conversion", kind: "binomial", primary: true }],
  });
  await abkit.flags.attach(FLAG, EXPERIMENT);
  const beforeStart = await flagFor(abkit, "usr_0");
  lines.push(
    `Flag "${FLAG}" with a draft experiment: usr_0 gets "${beforeStart.value}" (${beforeStart.reason})`,
  );

  // Step 3: start it; the flag now serves each user's variant.
  await abkit.experiments.start(EXPERIMENT);
  lines.push(`Experiment "${EXPERIMENT}" started.`, "");

  // Step 4: users see their checkout; some complete it. Every 4th converter submits twice.
  const random = mulberry32(seed);
  const served: Record<string, number> = {};
  const assigned = new Map<string, string>();
  let sent = 0;
  let accepted = 0;
  let deduped = 0;
  for (let i = 0; i < users; i++) {
    const userId = `usr_${i}`;
    const { value, variantKey } = await flagFor(abkit, userId);
    served[String(value)] = (served[String(value)] ?? 0) + 1;
    assigned.set(userId, String(variantKey));
    const rate = VARIANTS.find((variant) => variant.value === value)?.rate ?? 0;
    if (random() >= rate) continue;
    const repeats = i % 4 === 0 ? 2 : 1;
    for (let r = 0; r < repeats; r++) {
      const outcome = await abkit.trackConversion({ flagKey: FLAG, userId });
      sent += 1;
      accepted += outcome.accepted;
      deduped += outcome.deduped;
    }
  }
  lines.push(
    `${users} users saw: ${Object.entries(served)
      .map(([value, count]) => `${value} ${count}`)
      .join(", ")}`,
    `Conversions sent: ${sent}, counted: ${accepted}, duplicates ignored: ${deduped}`,
  );

  // Step 5: read the results (before stopping: the numbers stay readable after too).
  const results = await abkit.results(EXPERIMENT);
  const conversion = results.metrics.find((metric) => metric.name === "conversion");
  const variants: VariantSummary[] = (conversion?.variants ?? []).map((variant) => {
    const relative = variant.comparison?.relative ?? null;
    return {
      variantKey: variant.variantKey,
      value: VARIANTS.find((v) => v.key === variant.variantKey)?.value ?? "",
      users: variant.users,
      conversions: variant.usersWithEvents,
      rate: variant.value,
      uplift: relative ? { estimate: relative.estimate, ci: relative.ci } : null,
      pValue: variant.comparison?.pValue ?? null,
      chanceToBeatControl: variant.comparison?.chanceToBeatControl ?? null,
    };
  });

  // Step 6: stop it; the flag reverts to its default and conversions are refused.
  await abkit.experiments.stop(EXPERIMENT);
  const afterStop: { value: unknown; reason: string }[] = [];
  for (const variant of VARIANTS) {
    const userId = [...assigned].find(([, key]) => key === variant.key)?.[0] ?? "usr_0";
    const evaluation = await flagFor(abkit, userId);
    afterStop.push(evaluation);
    lines.push(
      `After stop, ${userId} (was ${variant.value}) gets "${evaluation.value}" (${evaluation.reason})`,
    );
  }
  let afterStopTrack: string | null = null;
  try {
    await abkit.trackConversion({ flagKey: FLAG, userId: "usr_1" });
  } catch (error) {
    if (!isAbkitError(error)) throw error;
    afterStopTrack = error.code;
  }
  lines.push(`A conversion after the stop: ${afterStopTrack ?? "accepted"}`, "");

  lines.push(`Results (${results.alpha * 100}% significance, primary metric "conversion"):`);
  for (const variant of variants) {
    const base = `  ${variant.variantKey.padEnd(9)} ${variant.value.padEnd(12)} users ${String(variant.users).padStart(5)}  conversions ${String(variant.conversions).padStart(4)}  rate ${pct(variant.rate)}`;
    lines.push(
      variant.uplift
        ? `${base}  uplift ${pct(variant.uplift.estimate)} [${pct(variant.uplift.ci?.[0])}, ${pct(variant.uplift.ci?.[1])}]  p=${variant.pValue?.toPrecision(2)}  P(beats control)=${pct(variant.chanceToBeatControl)}`
        : `${base}  (control)`,
    );
  }
  lines.push(
    `  sample-ratio check: ${results.srm?.mismatch ? "MISMATCH" : "ok"} (p=${results.srm?.pValue.toPrecision(2)})`,
  );

  await abkit.close();
  return {
    lines,
    beforeStart,
    served,
    sent,
    accepted,
    deduped,
    afterStop,
    afterStopTrack,
    variants,
  };
}

// --- Internal helpers ---

async function flagFor(abkit: Abkit, userId: string) {
  const { flags } = await abkit.evaluateFlags({ context: { user_id: userId } });
  const flag = flags[FLAG];
  return { value: flag?.value, reason: flag?.reason ?? "missing", variantKey: flag?.variantKey };
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "n/a" : `${(100 * value).toFixed(1)}%`;
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
