import type { MetricResult } from "../api/types.js";
import {
  formatCount,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  formatSignedNumber,
  formatSignedPercent,
  levelOf,
} from "../format.js";
import { describeAdjustment } from "./adjustment.js";
import { effectVerdict } from "./effectVerdict.js";
import { MetricVerdictLine } from "./MetricVerdictLine.js";

const VALUE_HEADER = {
  binomial: "Rate",
  mean: "Mean",
  count: "Per user",
  sum: "Per user",
  ratio: "Ratio",
} as const;

/**
 * One metric's numbers per variant, as `GET .../results` returned them. An effect whose
 * interval excludes 0 is coloured better or worse in the metric's direction.
 */
export function MetricTable({ metric, alpha }: { metric: MetricResult; alpha: number }) {
  const rate = metric.kind === "binomial";
  const value = rate ? formatPercent : formatNumber;
  const absolute = rate ? formatSignedPercent : formatSignedNumber;
  const level = levelOf(alpha);
  const cuped = metric.covariate !== undefined;
  const guardrail = metric.guardrail !== undefined;
  // The Bayesian read gets a column only when the API gave one.
  const bayesian = metric.variants.some((variant) => variant.comparison?.bayesian);
  const extra = Number(cuped) + Number(guardrail) + Number(bayesian);
  return (
    <>
      {metric.verdict && <MetricVerdictLine name={metric.name} verdict={metric.verdict} />}
      <div class="table-scroll">
        <table class="results-table" data-testid={`metric-table-${metric.name}`}>
          <caption class="visually-hidden">
            {metric.name}:{" "}
            {rate
              ? "conversion rate"
              : metric.kind === "ratio"
                ? `${metric.numerator} per ${metric.denominator}`
                : `${metric.kind} per user`}{" "}
            by variant
          </caption>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">Users</th>
              <th scope="col">{VALUE_HEADER[metric.kind]}</th>
              <th scope="col">Effect ({level} interval)</th>
              <th scope="col">Relative ({level} interval)</th>
              <th scope="col">p-value</th>
              <th scope="col">Adjusted p</th>
              <th scope="col">Chance to beat control</th>
              <th scope="col">Always-valid interval</th>
              {cuped && <th scope="col">CUPED effect ({level} interval)</th>}
              {bayesian && <th scope="col">Bayesian: chance to beat, expected loss</th>}
              {guardrail && <th scope="col">Guardrail</th>}
            </tr>
          </thead>
          <tbody>
            {metric.variants.map((variant) => {
              const comparison = variant.comparison;
              const verdict = effectVerdict(comparison?.absolute.ci, metric.direction);
              return (
                <tr key={variant.variantKey} data-variant={variant.variantKey}>
                  <th scope="row">
                    {variant.variantKey}
                    {comparison === null && <span class="muted"> (control)</span>}
                  </th>
                  <td data-cell="users">{formatCount(variant.n)}</td>
                  <td data-cell="value">{value(variant.value)}</td>
                  {comparison === null ? (
                    <td colSpan={6 + extra} class="muted">
                      baseline
                    </td>
                  ) : (
                    <>
                      <td data-cell="absolute" data-verdict={verdict} class={`effect-${verdict}`}>
                        {absolute(comparison.absolute.estimate)}{" "}
                        <span class="ci">{formatInterval(comparison.absolute.ci, absolute)}</span>
                      </td>
                      <td data-cell="relative">
                        {formatSignedPercent(comparison.relative?.estimate)}{" "}
                        <span class="ci">
                          {formatInterval(comparison.relative?.ci, formatSignedPercent)}
                        </span>
                      </td>
                      <td data-cell="p">{formatP(comparison.pValue)}</td>
                      <td data-cell="p-adjusted">
                        {formatP(comparison.pValueAdjusted)}
                        {comparison.adjustment && (
                          <span class="ci" data-cell="adjustment">
                            {describeAdjustment(comparison.adjustment)}
                          </span>
                        )}
                      </td>
                      <td data-cell="chance">{formatPercent(comparison.chanceToBeatControl)}</td>
                      <td data-cell="sequential">
                        {formatInterval(comparison.sequential?.ci, absolute)}
                      </td>
                      {cuped && (
                        <td data-cell="cuped">
                          {absolute(comparison.cuped?.absolute.estimate)}{" "}
                          <span class="ci">
                            {formatInterval(comparison.cuped?.absolute.ci, absolute)}
                          </span>
                          <span class="ci">
                            variance −{formatPercent(comparison.cuped?.varianceReduction)}
                          </span>
                        </td>
                      )}
                      {bayesian && (
                        <td data-cell="bayesian">
                          {comparison.bayesian ? (
                            <>
                              {formatPercent(comparison.bayesian.chanceToBeatControl)}
                              <span class="ci">
                                loss if shipped {value(comparison.bayesian.expectedLoss.ship)}
                              </span>
                              <span class="ci">
                                credible {formatInterval(comparison.bayesian.absolute.ci, absolute)}
                                , prior {comparison.bayesian.prior}
                              </span>
                            </>
                          ) : (
                            "–"
                          )}
                        </td>
                      )}
                      {guardrail && (
                        <td data-cell="guardrail">
                          <span class={`badge guardrail-${comparison.guardrail?.status ?? "none"}`}>
                            {comparison.guardrail?.status ?? "–"}
                          </span>
                        </td>
                      )}
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
