import type { ExperimentResults, Interval } from "../api/types.js";
import {
  formatCount,
  formatInterval,
  formatNumber,
  formatP,
  formatSignedNumber,
} from "../format.js";

/** A difference against the control with its interval, or "baseline" for the control. */
function Difference({
  cell,
  difference,
}: {
  cell: string;
  difference: { estimate: number | null; ci: Interval | null } | undefined;
}) {
  return (
    <td data-cell={cell}>
      {formatSignedNumber(difference?.estimate)}{" "}
      <span class="ci">{formatInterval(difference?.ci, formatSignedNumber)}</span>
    </td>
  );
}

/**
 * Log metrics (latency, tokens...) per variant: count, mean and the sketch's quantiles, then
 * each treatment's differences from the control as the API compared them.
 */
export function LogMetricsTable({
  logMetrics,
  control,
}: {
  logMetrics: ExperimentResults["logMetrics"];
  control: string;
}) {
  if (logMetrics.length === 0) {
    return <p class="muted">No execution logs with metrics yet.</p>;
  }
  return (
    <div class="table-scroll">
      <table class="results-table" data-testid="log-metrics">
        <caption class="visually-hidden">Log metrics by variant</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Variant</th>
            <th scope="col">Logs</th>
            <th scope="col">Mean</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">p99</th>
            <th scope="col">Mean vs control</th>
            <th scope="col">p-value (mean)</th>
            <th scope="col">p50 vs control</th>
            <th scope="col">p95 vs control</th>
          </tr>
        </thead>
        <tbody>
          {logMetrics.flatMap((metric) =>
            metric.variants.map((variant) => {
              const comparison = variant.comparison ?? null;
              return (
                <tr
                  key={`${metric.name}/${variant.variantKey}`}
                  data-metric={metric.name}
                  data-variant={variant.variantKey}
                >
                  <th scope="row">{metric.name}</th>
                  <td>{variant.variantKey}</td>
                  <td data-cell="count">{formatCount(variant.count)}</td>
                  <td data-cell="mean">{formatNumber(variant.mean)}</td>
                  <td data-cell="p50">{formatNumber(variant.p50)}</td>
                  <td data-cell="p95">{formatNumber(variant.p95)}</td>
                  <td data-cell="p99">{formatNumber(variant.p99)}</td>
                  {comparison === null ? (
                    <td colSpan={4} class="muted" data-cell="comparison">
                      {variant.variantKey === control ? "baseline" : "no comparison yet"}
                    </td>
                  ) : (
                    <>
                      <Difference cell="mean-diff" difference={comparison.mean} />
                      <td data-cell="mean-p">{formatP(comparison.mean.pValue)}</td>
                      <Difference cell="p50-diff" difference={comparison.p50} />
                      <Difference cell="p95-diff" difference={comparison.p95} />
                    </>
                  )}
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </div>
  );
}
