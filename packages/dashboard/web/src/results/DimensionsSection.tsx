import { useState } from "preact/hooks";
import type { DimensionResult, MetricResult, SliceResult } from "../api/types.js";
import {
  formatCount,
  formatInterval,
  formatP,
  formatSignedNumber,
  formatSignedPercent,
} from "../format.js";
import { describeAdjustment } from "./adjustment.js";
import { effectVerdict } from "./effectVerdict.js";
import { sliceLabel } from "./sliceLabel.js";

/**
 * The results broken down by one dimension at a time: per slice its users and, for every
 * metric, each treatment's effect with its interval and the p-value adjusted across slices,
 * coloured as in the metric tables.
 */
export function DimensionsSection({
  dimensions,
  declared,
  metrics,
}: {
  dimensions: DimensionResult[];
  /** The experiment's own dimensions, to say which have no breakdown yet. */
  declared: string[];
  metrics: MetricResult[];
}) {
  const names = [...new Set([...dimensions.map((dimension) => dimension.name), ...declared])];
  const [chosen, setChosen] = useState(names[0] ?? "");
  const dimension = dimensions.find((candidate) => candidate.name === chosen);
  return (
    <section class="card" aria-labelledby="dimensions-title" data-testid="dimensions">
      <div class="page-head">
        <h3 id="dimensions-title">By dimension</h3>
        <div class="field inline">
          <label for="dimension-choice">Dimension</label>
          <select
            id="dimension-choice"
            value={chosen}
            onChange={(event) => setChosen(event.currentTarget.value)}
          >
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {!dimension || dimension.slices.length === 0 ? (
        <p class="muted" data-testid="dimension-empty">
          No breakdown by {chosen} yet: it appears once exposed users carry the property.
        </p>
      ) : (
        <SliceTable dimension={dimension} metrics={metrics} />
      )}
    </section>
  );
}

function SliceTable({
  dimension,
  metrics,
}: {
  dimension: DimensionResult;
  metrics: MetricResult[];
}) {
  // One column per metric and treatment, in the order the first slices list them.
  const columns: { metric: string; variantKey: string }[] = [];
  for (const slice of dimension.slices) {
    for (const metric of slice.metrics) {
      for (const variant of metric.variants) {
        if (variant.comparison === null) continue;
        if (!columns.some((c) => c.metric === metric.name && c.variantKey === variant.variantKey)) {
          columns.push({ metric: metric.name, variantKey: variant.variantKey });
        }
      }
    }
  }
  const adjustments = new Set<string>();
  for (const slice of dimension.slices) {
    for (const metric of slice.metrics) {
      for (const variant of metric.variants) {
        const text = describeAdjustment(variant.comparison?.adjustment);
        if (text) adjustments.add(text);
      }
    }
  }
  return (
    <>
      <div class="table-scroll">
        <table class="results-table" data-testid={`dimension-table-${dimension.name}`}>
          <caption class="visually-hidden">Results by {dimension.name}</caption>
          <thead>
            <tr>
              <th scope="col">{dimension.name}</th>
              <th scope="col">Users</th>
              {columns.map((column) => (
                <th key={`${column.metric}/${column.variantKey}`} scope="col">
                  {column.metric}: {column.variantKey} vs control
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {dimension.slices.map((slice) => (
              <tr
                key={`${slice.kind}/${slice.value ?? ""}`}
                data-slice={slice.value ?? `(${slice.kind})`}
                data-kind={slice.kind}
              >
                <th scope="row" data-cell="value">
                  {sliceLabel(slice)}
                </th>
                <td data-cell="users">
                  <span data-cell="total">{formatCount(slice.users)}</span>
                  <span class="ci">
                    {slice.variants
                      .map((variant) => `${variant.key} ${formatCount(variant.users)}`)
                      .join(", ")}
                  </span>
                </td>
                {columns.map((column) => (
                  <SliceEffect
                    key={`${column.metric}/${column.variantKey}`}
                    slice={slice}
                    column={column}
                    metric={metrics.find((metric) => metric.name === column.metric)}
                  />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {adjustments.size > 0 && (
        <p class="field-hint" data-testid="dimension-adjustment">
          Adjusted p: {[...adjustments].join("; ")}.
        </p>
      )}
    </>
  );
}

function SliceEffect({
  slice,
  column,
  metric,
}: {
  slice: SliceResult;
  column: { metric: string; variantKey: string };
  metric: MetricResult | undefined;
}) {
  const comparison = slice.metrics
    .find((candidate) => candidate.name === column.metric)
    ?.variants.find((variant) => variant.variantKey === column.variantKey)?.comparison;
  const rate = metric?.kind === "binomial";
  const absolute = rate ? formatSignedPercent : formatSignedNumber;
  const verdict = effectVerdict(comparison?.absolute.ci, metric?.direction);
  return (
    <td
      data-cell={`effect-${column.metric}-${column.variantKey}`}
      data-verdict={verdict}
      class={`effect-${verdict}`}
    >
      {absolute(comparison?.absolute.estimate)}{" "}
      <span class="ci">{formatInterval(comparison?.absolute.ci, absolute)}</span>
      <span class="ci">p adj {formatP(comparison?.pValueAdjusted)}</span>
    </td>
  );
}
