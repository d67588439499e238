import type { Experiment, ExperimentResults } from "../api/types.js";
import { EffectOverTimeChart } from "../charts/EffectOverTimeChart.js";
import { ExposuresChart } from "../charts/ExposuresChart.js";
import { IntervalPlot } from "../charts/IntervalPlot.js";
import { formatCount, formatNumber } from "../format.js";
import { BanditPanel } from "./BanditPanel.js";
import { DimensionsSection } from "./DimensionsSection.js";
import { GuardrailAlert } from "./GuardrailAlert.js";
import { LogMetricsTable } from "./LogMetricsTable.js";
import { MetricTable } from "./MetricTable.js";
import { SrmBanner } from "./SrmBanner.js";
import { VerdictBanner } from "./VerdictBanner.js";

/**
 * An experiment's results: the verdict first, then the sample-ratio check, each metric with
 * its effect over time, the breakdowns by dimension, exposures over time and log metrics.
 */
export function ResultsView({
  results,
  experiment,
}: {
  results: ExperimentResults;
  /** The definition, for its plan (daily users) and dimensions; absent, neither is shown. */
  experiment?: Pick<Experiment, "plan" | "dimensions">;
}) {
  const metrics = [...results.metrics].sort((a, b) => Number(b.primary) - Number(a.primary));
  const totalUsers = results.variants.reduce((sum, variant) => sum + variant.users, 0);
  const empty = totalUsers === 0;
  const variantKeys = results.variants.map((variant) => variant.key);
  const dimensions = results.dimensions ?? [];
  const declaredDimensions = experiment?.dimensions ?? [];
  return (
    <div class="results" data-testid="results">
      {results.verdict && <VerdictBanner verdict={results.verdict} plan={experiment?.plan} />}
      {empty ? (
        <p class="srm no-users" data-testid="no-users">
          No users yet: results appear once the app evaluates this experiment for some users.
        </p>
      ) : (
        <SrmBanner srm={results.srm} />
      )}
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
        <section
          key={metric.name}
          class="card metric"
          aria-labelledby={`metric-${metric.name}`}
          data-metric={metric.name}
        >
          <h3 id={`metric-${metric.name}`}>
            {metric.name} <span class="muted">({metric.kind})</span>
            {metric.primary && <span class="badge badge-primary">primary</span>}
            {metric.direction === "lower" && <span class="badge">lower is better</span>}
            {metric.guardrail && <span class="badge">guardrail</span>}
            {metric.cap !== undefined && (
              <span class="badge" data-testid={`cap-${metric.name}`}>
                capped at {formatNumber(metric.cap)}
              </span>
            )}
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
          {/* An interval plot with no interval would be an empty frame. */}
          {metric.variants.some((variant) => variant.comparison?.absolute.ci) ? (
            <IntervalPlot metric={metric} alpha={results.alpha} />
          ) : (
            metric.variants.length > 1 && (
              <p class="muted chart-empty">No interval yet: every arm needs users with data.</p>
            )
          )}
          {metric.effectOverTime && (
            <>
              <h4>Effect over time</h4>
              <EffectOverTimeChart metric={metric} variantKeys={variantKeys} />
            </>
          )}
        </section>
      ))}
      {(dimensions.length > 0 || declaredDimensions.length > 0) && (
        <DimensionsSection
          dimensions={dimensions}
          declared={declaredDimensions}
          metrics={results.metrics}
        />
      )}
      <section class="card" aria-labelledby="exposures-title">
        <h3 id="exposures-title">Exposures over time</h3>
        <ExposuresChart results={results} />
      </section>
      <section class="card" aria-labelledby="logs-title">
        <h3 id="logs-title">Log metrics</h3>
        <LogMetricsTable logMetrics={results.logMetrics} control={results.control} />
      </section>
    </div>
  );
}
