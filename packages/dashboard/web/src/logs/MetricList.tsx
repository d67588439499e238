import { formatNumber } from "../format.js";

/** A log's numeric metrics, name and value. */
export function MetricList({
  metrics,
  testId,
}: {
  metrics: Record<string, number>;
  testId: string;
}) {
  const entries = Object.entries(metrics);
  return (
    <section>
      <h3>Metrics</h3>
      {entries.length === 0 ? (
        <p class="muted">No metrics.</p>
      ) : (
        <dl class="facts" data-testid={testId}>
          {entries.map(([name, value]) => (
            <div key={name} class="fact" data-metric={name}>
              <dt class="mono">{name}</dt>
              <dd>{formatNumber(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
