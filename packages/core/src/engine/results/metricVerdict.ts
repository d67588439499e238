import type { MetricResult, MetricVerdict } from "./resultTypes.js";
import {
  bestRead,
  readTreatments,
  type TreatmentRead,
  type VerdictInterval,
  worstRead,
} from "./treatmentReads.js";
import {
  countText,
  effectWithRelative,
  usersText as entityUsersText,
  intervalText,
  pValueText,
} from "./verdictText.js";

/**
 * What one metric says (docs/statistics.md, "Verdicts"), in this order: `guardrail-harm` when
 * a treatment breaks the metric's guardrail; `better` when a treatment's interval lies
 * wholly on the better side of 0 (the best estimate among several); `worse` when one lies
 * wholly on the worse side (the worst); else `no-detectable-effect` on the fixed interval
 * (the planned size is reached) or `keep-running` on the always-valid one.
 *
 * @example
 * metricVerdict(results.metrics[0], 0.05, "always-valid");
 * // { kind: "better", variantKey: "B", summary: "thumbs_up is better with B: +2.10 pp ..." }
 */
export function metricVerdict(
  metric: MetricResult,
  alpha: number,
  interval: VerdictInterval,
): MetricVerdict {
  const harm = guardrailHarm(metric);
  if (harm) return harm;
  const reads = readTreatments(metric, alpha, interval);
  const users = metric.variants.reduce((total, variant) => total + variant.users, 0);
  // An execution metric's observations are executions, not users.
  const usersText = (count: number) =>
    metric.unit === "execution" ? executionsText(count) : entityUsersText(count);
  const better = bestRead(
    reads.filter((read) => read.side === "better"),
    metric.direction,
  );
  if (better) {
    return {
      kind: "better",
      variantKey: better.variantKey,
      summary: `${metric.name} is better with ${better.variantKey}: ${readText(metric, better, interval)}, ${usersText(users)}.`,
    };
  }
  const worse = worstRead(
    reads.filter((read) => read.side === "worse"),
    metric.direction,
  );
  if (worse) {
    return {
      kind: "worse",
      variantKey: worse.variantKey,
      summary: `${metric.name} is worse with ${worse.variantKey}: ${readText(metric, worse, interval)}, ${usersText(users)}.`,
    };
  }
  const best = bestRead(reads, metric.direction);
  const detail = best ? `${best.variantKey} ${readText(metric, best, interval)}, ` : "";
  if (interval === "fixed") {
    return {
      kind: "no-detectable-effect",
      variantKey: null,
      summary: `No detectable effect on ${metric.name} at the planned size: ${detail}${usersText(users)}.`,
    };
  }
  return {
    kind: "keep-running",
    variantKey: null,
    summary: best
      ? `${metric.name} is not conclusive yet: ${detail}${usersText(users)}.`
      : `${metric.name} has no interval yet: ${usersText(users)}.`,
  };
}

/**
 * A treatment's effect with the interval read: `+2.10 pp (+7.0%), always-valid 95% CI +0.40
 * to +3.80 pp`, with the adjusted p-value for a fixed read.
 */
export function readText(
  metric: Pick<MetricResult, "kind">,
  read: TreatmentRead,
  interval: VerdictInterval,
): string {
  const effect = effectWithRelative(metric, read.estimate, read.relative);
  if (!read.ci) return `${effect} (no interval yet)`;
  const p = read.pValueAdjusted === null ? "" : `, adjusted p = ${pValueText(read.pValueAdjusted)}`;
  return `${effect}, ${intervalText(metric, interval, read.level, read.ci)}${p}`;
}

// --- Internal helpers ---

// The treatment whose guardrail says harm, the largest estimated move in the harm direction.
function guardrailHarm(metric: MetricResult): MetricVerdict | null {
  if (!metric.guardrail) return null;
  const harmed = metric.variants.filter(
    (variant) => variant.comparison?.guardrail?.status === "harm",
  );
  const sign = metric.guardrail.harm === "increase" ? 1 : -1;
  const worst = harmed.reduce<(typeof harmed)[number] | undefined>(
    (most, variant) =>
      !most ||
      sign * (variant.comparison?.absolute.estimate ?? 0) >
        sign * (most.comparison?.absolute.estimate ?? 0)
        ? variant
        : most,
    undefined,
  );
  if (!worst?.comparison) return null;
  const comparison = worst.comparison;
  const moved =
    comparison.absolute.estimate === null
      ? ""
      : ` (${effectWithRelative(metric, comparison.absolute.estimate, comparison.relative?.estimate ?? null)})`;
  const tolerance = metric.guardrail.tolerance;
  const tolerated =
    metric.guardrail.toleranceScale === "absolute"
      ? `${tolerance}`
      : `${Number((tolerance * 100).toFixed(2))}%`;
  return {
    kind: "guardrail-harm",
    variantKey: worst.variantKey,
    summary: `${worst.variantKey} breaks the guardrail ${metric.name}: a ${metric.guardrail.harm}${moved} beyond the tolerated ${tolerated}.`,
  };
}

function executionsText(count: number): string {
  return `${countText(count)} ${count === 1 ? "execution" : "executions"}`;
}
