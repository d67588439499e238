// Turns an execution's token counts into its cost with the experiment's per-variant prices.
import type { Pricing } from "../../schema/experiment.js";

/**
 * The log metrics with the cost added: for a priced variant whose log carries at least one of
 * the token metrics and no metric named `pricing.metric`,
 * `inputTokens / 1000 · input + outputTokens / 1000 · output` (a missing token count is 0).
 * Otherwise the metrics unchanged: a cost the caller measured itself is kept.
 *
 * @example
 * priceExecution(pricing, "gpt-mini", { input_tokens: 1200, output_tokens: 300 });
 * // { input_tokens: 1200, output_tokens: 300, cost: 1.2 * 0.15 + 0.3 * 0.6 }
 */
export function priceExecution(
  pricing: Pricing | null | undefined,
  variantKey: string,
  metrics: Record<string, number>,
): Record<string, number> {
  if (!pricing || Object.hasOwn(metrics, pricing.metric)) return metrics;
  const prices = Object.hasOwn(pricing.variants, variantKey)
    ? pricing.variants[variantKey]
    : undefined;
  if (!prices) return metrics;
  const input = own(metrics, pricing.inputTokens);
  const output = own(metrics, pricing.outputTokens);
  if (input === undefined && output === undefined) return metrics;
  const cost = ((input ?? 0) / 1000) * prices.input + ((output ?? 0) / 1000) * prices.output;
  return { ...metrics, [pricing.metric]: cost };
}

// --- Internal helpers ---

function own(metrics: Record<string, number>, name: string): number | undefined {
  return Object.hasOwn(metrics, name) ? metrics[name] : undefined;
}
