import type { ExperimentResults } from "../api/types.js";
import { formatCount, formatNumber } from "../format.js";

/** Log metrics (latency, tokens...) per variant: count, mean and the sketch's quantiles. */
export function LogMetricsTable({ logMetrics }: { logMetrics: ExperimentResults["logMetrics"] }) {
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
          </tr>
        </thead>
        <tbody>
          {logMetrics.flatMap((metric) =>
            metric.variants.map((variant) => (
              <tr key={`${metric.name}/${variant.variantKey}`} data-metric={metric.name}>
                <th scope="row">{metric.name}</th>
                <td>{variant.variantKey}</td>
                <td>{formatCount(variant.count)}</td>
                <td>{formatNumber(variant.mean)}</td>
                <td>{formatNumber(variant.p50)}</td>
                <td>{formatNumber(variant.p95)}</td>
                <td>{formatNumber(variant.p99)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}
