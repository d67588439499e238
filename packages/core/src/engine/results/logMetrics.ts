// The results' log metrics: each variant's count, mean and quantiles from its log summary,
// and each treatment against the control (mean, p50 and p95 differences with intervals).
import { quantileDifference } from "../../stats/quantileDifference.js";
import { sketchQuantile } from "../../stats/sketch.js";
import type { MeanSide } from "../../stats/types.js";
import { welchTest } from "../../stats/welchTest.js";
import type { LogMetricSummary, LogSummaries } from "../../store.js";
import type { LogComparison, LogMetricVariant } from "./resultTypes.js";

/**
 * Every log metric found in `summaries`, by name, with one entry per variant in
 * `variantKeys` order (the control first, which has no comparison). For a bandit, whose
 * shares move with what it observes, comparisons keep their estimates but no interval or
 * p-value, as the metrics' do. Costs O(variants × metrics × sketch buckets).
 *
 * @example
 * logMetrics(["control", "B"], summaries, { alpha: 0.05, bandit: false })[0]?.variants[1];
 */
export function logMetrics(
  variantKeys: string[],
  summaries: LogSummaries,
  options: { alpha: number; bandit: boolean },
): { name: string; variants: LogMetricVariant[] }[] {
  const names = new Set<string>();
  for (const metrics of Object.values(summaries))
    for (const name of Object.keys(metrics)) names.add(name);
  return [...names].sort().map((name) => {
    const summaryOf = (variantKey: string) => {
      const summary = Object.hasOwn(summaries, variantKey)
        ? summaries[variantKey]?.[name]
        : undefined;
      return summary && summary.count > 0 ? summary : null;
    };
    const control = summaryOf(variantKeys[0] ?? "");
    return {
      name,
      variants: variantKeys.map((variantKey, index): LogMetricVariant => {
        const summary = summaryOf(variantKey);
        if (!summary) {
          return {
            variantKey,
            count: 0,
            mean: null,
            p50: null,
            p95: null,
            p99: null,
            comparison: null,
          };
        }
        return {
          variantKey,
          count: summary.count,
          mean: summary.sum / summary.count,
          p50: sketchQuantile(summary.buckets, 0.5),
          p95: sketchQuantile(summary.buckets, 0.95),
          p99: sketchQuantile(summary.buckets, 0.99),
          comparison: index > 0 && control ? logComparison(control, summary, options) : null,
        };
      }),
    };
  });
}

/**
 * A treatment's log metric against the control's, both with at least one log: Welch's
 * test on the per-execution values for the mean (interval and p-value null unless both
 * summaries kept every log's square, see `LogMetricSummary.squared`), and
 * `quantileDifference` for p50 and p95; intervals and p-value null for a bandit.
 */
export function logComparison(
  control: LogMetricSummary,
  treatment: LogMetricSummary,
  { alpha, bandit }: { alpha: number; bandit: boolean },
): LogComparison {
  const estimate = treatment.sum / treatment.count - control.sum / control.count;
  const c = meanSide(control);
  const t = meanSide(treatment);
  const welch = c && t && !bandit ? welchTest(c, t, { alpha }) : null;
  const quantile = (q: number) => {
    const { estimate, ci } = quantileDifference(control.buckets, treatment.buckets, q, { alpha });
    return { estimate, ci: bandit ? null : ci };
  };
  return {
    mean: { estimate, ci: welch?.absolute.ci ?? null, pValue: welch?.pValue ?? null },
    p50: quantile(0.5),
    p95: quantile(0.95),
  };
}

// --- Internal helpers ---

// The per-execution sufficient statistics, or null when some logs' squares were never kept
// (summaries written before sums of squares were): a variance from part of the logs would
// be wrong, not merely imprecise.
function meanSide(summary: LogMetricSummary): MeanSide | null {
  const { count, sum, sumSquares, squared } = summary;
  if (squared !== count || sumSquares === undefined) return null;
  if (!(Number.isFinite(sum) && Number.isFinite(sumSquares) && sumSquares >= 0)) return null;
  return { n: count, sum, sumSquares };
}
