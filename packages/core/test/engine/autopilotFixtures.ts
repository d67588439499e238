import type { Abkit, AutopilotInput, EventInput, ExperimentInput } from "../../src/index.js";

/** Per variant: the share of its users that convert, and that hit an error. */
export type Rates = Record<string, { converted: number; errors?: number }>;

/**
 * A running A/B test on `converted` (binomial, primary) with an `errors` guardrail (harm:
 * increase, no tolerance), under the given autopilot policy.
 */
export async function startTest(
  abkit: Abkit,
  autopilot: AutopilotInput | null,
  extra: Partial<ExperimentInput> = {},
): Promise<void> {
  await abkit.experiments.create({
    key: "checkout",
    variants: [
      { key: "A", weight: 50, config: false },
      { key: "B", weight: 50, config: true },
    ],
    metrics: [
      { name: "converted", kind: "binomial", primary: true },
      { name: "errors", kind: "binomial", guardrail: { harm: "increase", tolerance: 0 } },
    ],
    ...(autopilot === null ? {} : { autopilot }),
    ...extra,
  });
  await abkit.experiments.start("checkout");
}

/**
 * `users` new entities evaluate the test and convert (or err) at their variant's rates, the
 * same ones every run: within a variant, user n converts when `n mod 100 < rate · 100`.
 */
export async function traffic(abkit: Abkit, from: number, users: number, rates: Rates) {
  const seen: Record<string, number> = {};
  const events: EventInput[] = [];
  for (let i = from; i < from + users; i++) {
    const entityId = `user_${i}`;
    const { variantKey } = await abkit.evaluate({ experimentKey: "checkout", entityId });
    if (variantKey === null) continue;
    const n = seen[variantKey] ?? 0;
    seen[variantKey] = n + 1;
    const rate = rates[variantKey] ?? { converted: 0 };
    if (n % 100 < rate.converted * 100) events.push({ entityId, metricName: "converted" });
    if (n % 100 < (rate.errors ?? 0) * 100) events.push({ entityId, metricName: "errors" });
  }
  for (let i = 0; i < events.length; i += 500) await abkit.track(events.slice(i, i + 500));
  await abkit.flush();
}

/** B clearly converts better than A, with no errors anywhere. */
export const B_WINS: Rates = { A: { converted: 0.1 }, B: { converted: 0.3 } };
/** A and B convert alike. */
export const EVEN: Rates = { A: { converted: 0.2 }, B: { converted: 0.2 } };
/** B converts better but errs far more often: its guardrail shows harm. */
export const B_HARMS: Rates = {
  A: { converted: 0.1, errors: 0.02 },
  B: { converted: 0.3, errors: 0.4 },
};
