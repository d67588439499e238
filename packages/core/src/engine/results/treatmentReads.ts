import { proportionSequentialInterval, sequentialInterval } from "../../stats/sequential.js";
import type { Interval } from "../../stats/types.js";
import type { MetricResult, VariantMetricResult } from "./resultTypes.js";

/** Which interval a verdict reads: always-valid before the planned size, fixed from it. */
export type VerdictInterval = "always-valid" | "fixed";

/** One treatment of one metric as a verdict reads it. */
export interface TreatmentRead {
  variantKey: string;
  estimate: number;
  relative: number | null;
  /** The interval read; null when there is none yet (too few users, a bandit). */
  ci: Interval | null;
  /** Its confidence level: `1 - alpha / treatments` always-valid, `1 - alpha` fixed. */
  level: number;
  /** The fixed read's Holm (or BH) adjusted p-value; null for the always-valid read. */
  pValueAdjusted: number | null;
  /** Which side of 0 the interval lies wholly on, in the metric's direction; null: neither. */
  side: "better" | "worse" | null;
}

/**
 * Each treatment of a metric read on one interval. Always-valid: the sequential interval at
 * `alpha / k` for `k` treatments (Bonferroni, so that reading every treatment at every look
 * keeps the chance of any false call at most `alpha`). Fixed: the fixed-sample interval,
 * conclusive only when the adjusted p-value is below `alpha` too. Treatments without an
 * estimate are left out.
 *
 * @example
 * readTreatments(results.metrics[0], 0.05, "always-valid");
 * // [{ variantKey: "B", estimate: 0.021, ci: [0.004, 0.038], level: 0.95, side: "better", ... }]
 */
export function readTreatments(
  metric: Pick<MetricResult, "kind" | "direction" | "variants" | "guardrail">,
  alpha: number,
  interval: VerdictInterval,
): TreatmentRead[] {
  const [control, ...treatments] = metric.variants;
  if (!control) return [];
  const k = Math.max(1, treatments.length);
  return treatments.flatMap((variant) => {
    const comparison = variant.comparison;
    const estimate = comparison?.absolute.estimate ?? null;
    if (!comparison || estimate === null) return [];
    const fixed = interval === "fixed";
    const ci = fixed
      ? comparison.absolute.ci
      : alwaysValid(metric.kind, control, variant, alpha, k);
    // Guardrails are not corrected (each is its own family, see `adjustPValues`): their
    // fixed read rests on the raw p-value, so a clear move within tolerance still reads.
    const p = metric.guardrail
      ? (comparison.pValueAdjusted ?? comparison.pValue)
      : comparison.pValueAdjusted;
    const conclusive = !fixed || (p !== null && p < alpha);
    return [
      {
        variantKey: variant.variantKey,
        estimate,
        relative: comparison.relative?.estimate ?? null,
        ci,
        level: fixed ? 1 - alpha : 1 - alpha / k,
        pValueAdjusted: fixed ? p : null,
        side: conclusive ? sideOf(ci, metric.direction) : null,
      },
    ];
  });
}

/** The read whose estimate is best (`higher`: largest) in the metric's direction. */
export function bestRead(
  reads: TreatmentRead[],
  direction: MetricResult["direction"],
): TreatmentRead | undefined {
  const sign = direction === "lower" ? -1 : 1;
  return reads.reduce<TreatmentRead | undefined>(
    (best, read) => (!best || sign * read.estimate > sign * best.estimate ? read : best),
    undefined,
  );
}

/** The read whose estimate is worst in the metric's direction. */
export function worstRead(
  reads: TreatmentRead[],
  direction: MetricResult["direction"],
): TreatmentRead | undefined {
  return bestRead(reads, direction === "lower" ? "higher" : "lower");
}

// --- Internal helpers ---

function sideOf(ci: Interval | null, direction: MetricResult["direction"]): TreatmentRead["side"] {
  if (!ci) return null;
  const above = ci[0] > 0;
  const below = ci[1] < 0;
  if (!above && !below) return null;
  return above === (direction === "higher") ? "better" : "worse";
}

// The results' sequential interval is at `alpha`; with k treatments it is rebuilt at alpha / k.
function alwaysValid(
  kind: MetricResult["kind"],
  control: VariantMetricResult,
  treatment: VariantMetricResult,
  alpha: number,
  k: number,
): Interval | null {
  const sequential = treatment.comparison?.sequential ?? null;
  if (!sequential || k === 1) return sequential?.ci ?? null;
  const level = { alpha: alpha / k };
  if (kind === "binomial") {
    return (
      proportionSequentialInterval(
        { n: control.n, conversions: control.usersWithEvents },
        { n: treatment.n, conversions: treatment.usersWithEvents },
        level,
      )?.ci ?? null
    );
  }
  // Symmetric: the half-width scales with the critical value (the interval's per-se width).
  const n = control.n + treatment.n;
  const wide = sequentialInterval(0, 1, n, level)?.halfWidth;
  const base = sequentialInterval(0, 1, n, { alpha })?.halfWidth;
  if (wide === undefined || base === undefined || base === 0) return null;
  const center = (sequential.ci[0] + sequential.ci[1]) / 2;
  const half = sequential.halfWidth * (wide / base);
  return [center - half, center + half];
}
