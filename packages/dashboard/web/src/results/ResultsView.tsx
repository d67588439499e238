import type { ExperimentResults } from "../api/types.js";
import { ExposuresChart } from "../charts/ExposuresChart.js";
import { IntervalPlot } from "../charts/IntervalPlot.js";
import { formatCount } from "../format.js";
import { BanditPanel } from "./BanditPanel.js";
import { GuardrailAlert } from "./GuardrailAlert.js";
import { LogMetricsTable } from "./LogMetricsTable.js";
import { MetricTable } from "./MetricTable.js";
import { SrmBanner } from "./SrmBanner.js";

/** An experiment's results: SRM first, then each metric, exposures over time and log metrics. */
export function ResultsView({ results }: { results: ExperimentResults }) {
  const metrics = [...results.metrics].sort((a, b) => Number(b.primary) - Number(a.primary));
  return (
    <div class="results" data-testid="results">
      <SrmBanner srm={results.srm} />
      <GuardrailAlert violations={results.guardrailViolations ?? []} />
      {results.bandit && <BanditPanel bandit={results.bandit} />}
      <ul class="variant-users" aria-label="Users per variant">
        {results.variants.map((variant) => (
          <li key={variant.key} data-variant={variant.key}>
            <span class="variant-key">{variant.key}</span>{" "}
            <span class="muted">({variant.weight}%)</span>{" "}
            <strong data-cell="users">{formatCount(variant.users)}</strong> users
          </li>
        ))}
      </ul>
      {metrics.length === 0 && <p class="muted">No metrics yet: track events to see some.</p>}
      {metrics.map((metric) => (
        <section key={metric.name} class="card metric" aria-labelledby={`metric-${metric.name}`}>
          <h3 id={`metric-${metric.name}`}>
            {metric.name} <span class="muted">({metric.kind})</span>
            {metric.primary && <span class="badge badge-primary">primary</span>}
            {metric.direction === "lower" && <span class="badge">lower is better</span>}
            {metric.guardrail && <span class="badge">guardrail</span>}
            {metric.covariate && (
              <span class="badge">
                CUPED:{" "}
                {typeof metric.covariate === "string"
                  ? metric.covariate
                  : `${metric.covariate.metric}, ${metric.covariate.days} days before`}
              </span>
            )}
            {!metric.declared && <span class="badge">not declared</span>}
          </h3>
          <MetricTable metric={metric} alpha={results.alpha} />
          {metric.variants.length > 1 && <IntervalPlot metric={metric} alpha={results.alpha} />}
        </section>
      ))}
      <section class="card" aria-labelledby="exposures-title">
        <h3 id="exposures-title">Exposures over time</h3>
        <ExposuresChart results={results} />
      </section>
      <section class="card" aria-labelledby="logs-title">
        <h3 id="logs-title">Log metrics</h3>
        <LogMetricsTable logMetrics={results.logMetrics} />
      </section>
    </div>
  );
}
