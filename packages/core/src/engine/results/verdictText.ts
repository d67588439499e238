import type { MetricResult } from "./resultTypes.js";

/**
 * The numbers of a verdict's sentence: effects in the metric's units (percentage points for
 * a rate), relative changes, intervals and counts, written the same way everywhere.
 */

/** An effect: `+2.10 pp` for a rate, `+40` or `-0.1234` otherwise. */
export function effectText(metric: Pick<MetricResult, "kind">, value: number): string {
  if (metric.kind === "binomial") return `${signed(value * 100, 2)} pp`;
  return signedSignificant(value);
}

/** An effect with its relative change when there is one: `+2.10 pp (+7.0%)`. */
export function effectWithRelative(
  metric: Pick<MetricResult, "kind">,
  value: number,
  relative: number | null,
): string {
  const share = relative === null ? "" : ` (${signed(relative * 100, 1)}%)`;
  return `${effectText(metric, value)}${share}`;
}

/** An interval with its kind and level: `always-valid 95% CI +0.40 to +3.80 pp`. */
export function intervalText(
  metric: Pick<MetricResult, "kind">,
  interval: "always-valid" | "fixed",
  level: number,
  ci: readonly [number, number],
): string {
  const unit = metric.kind === "binomial" ? " pp" : "";
  const bound = (value: number) =>
    metric.kind === "binomial" ? signed(value * 100, 2) : signedSignificant(value);
  return `${interval} ${levelText(level)} CI ${bound(ci[0])} to ${bound(ci[1])}${unit}`;
}

/** A confidence level as a percentage: `95%`, `97.5%`. */
export function levelText(level: number): string {
  return `${Number((level * 100).toFixed(2))}%`;
}

/** A count with thousands separators, `12,400 users`. */
export function usersText(users: number): string {
  return `${COUNT.format(users)} ${users === 1 ? "user" : "users"}`;
}

/** A count with thousands separators. */
export function countText(count: number): string {
  return COUNT.format(count);
}

/** A probability as a percentage with one decimal. */
export function chanceText(chance: number): string {
  return `${(chance * 100).toFixed(1)}%`;
}

/** A p-value: 3 decimals down to 0.001, then scientific. */
export function pValueText(value: number): string {
  if (value >= 0.001) return value.toFixed(3);
  return value === 0 ? "<1e-300" : value.toExponential(1);
}

// --- Internal helpers ---

const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const SIGNIFICANT = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });

function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return value > 0 ? `+${text}` : text;
}

function signedSignificant(value: number): string {
  if (Math.abs(value) < 1e-12) return "0";
  const text = SIGNIFICANT.format(value);
  return value > 0 ? `+${text}` : text;
}
