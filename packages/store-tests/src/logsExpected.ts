import { type LogRecord, type LogSummaries, type ScoreRecord, sketchBucket } from "@abkit/core";

/**
 * An independent recount of what `readLogSummaries` must return for one experiment: each
 * log metric, and each score as one more value of the metric its `name` names, in its
 * variant. Pass only the scores the store kept (the first of each key).
 *
 * @example
 * expect(await store.readLogSummaries(p, exp)).toEqual(expectedLogSummaries(logs, scores));
 */
export function expectedLogSummaries(
  logs: readonly LogRecord[],
  scores: readonly ScoreRecord[] = [],
): LogSummaries {
  const summaries = new Map<string, Map<string, Summary>>();
  const count = (variantKey: string, metric: string, value: number) => {
    const variant = summaries.get(variantKey) ?? new Map<string, Summary>();
    summaries.set(variantKey, variant);
    const summary = variant.get(metric) ?? { count: 0, sum: 0, sumSquares: 0, buckets: new Map() };
    variant.set(metric, summary);
    summary.count += 1;
    summary.sum += value;
    summary.sumSquares += value ** 2;
    const bucket = sketchBucket(value);
    summary.buckets.set(bucket, (summary.buckets.get(bucket) ?? 0) + 1);
  };
  for (const log of logs) {
    for (const [metric, value] of Object.entries(log.metrics)) count(log.variantKey, metric, value);
  }
  for (const score of scores) count(score.variantKey, score.name, score.value);
  return Object.fromEntries(
    [...summaries].map(([variant, metrics]) => [
      variant,
      Object.fromEntries(
        // Every value's square is kept: `squared` equals `count`.
        [...metrics].map(([metric, { count, sum, sumSquares, buckets }]) => [
          metric,
          { count, sum, sumSquares, squared: count, buckets: Object.fromEntries(buckets) },
        ]),
      ),
    ]),
  );
}

// --- Internal helpers ---

interface Summary {
  count: number;
  sum: number;
  sumSquares: number;
  buckets: Map<string, number>;
}
