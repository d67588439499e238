import type { Metric, MetricKind } from "../api/types.js";

const KINDS: MetricKind[] = ["binomial", "count", "sum", "mean", "ratio"];

/** A metric as the editor holds it: a row id, and text fields that may still be empty. */
export interface MetricRow extends Metric {
  id: number;
}

interface Props {
  metric: MetricRow;
  index: number;
  onChange: (change: Partial<MetricRow>) => void;
  onRemove: () => void;
}

/**
 * One metric's fields: name, kind, primary; a ratio's sides, a CUPED covariate, a guardrail,
 * its direction and its cap.
 */
export function MetricFields({ metric, index, onChange, onRemove }: Props) {
  const id = (field: string) => `metric-${metric.id}-${field}`;
  const text = (field: "numerator" | "denominator" | "covariate", label: string, hint: string) => {
    const value = metric[field];
    // A pre-period covariate (a metric's history) is set through the API; shown, kept as is.
    if (typeof value === "object") {
      return (
        <p class="field-hint">
          CUPED covariate: {value.metric} over the {value.days} days before exposure.
        </p>
      );
    }
    return (
      <div class="field">
        <label for={id(field)}>{label}</label>
        <input
          id={id(field)}
          class="mono"
          value={value ?? ""}
          onInput={(event) => onChange({ [field]: event.currentTarget.value })}
        />
        <p class="field-hint">{hint}</p>
      </div>
    );
  };
  return (
    <fieldset class="metric-row" data-testid={`metric-${index}`}>
      <legend>Metric {index + 1}</legend>
      <div class="grid-4">
        <div class="field">
          <label for={id("name")}>Metric name</label>
          <input
            id={id("name")}
            class="mono"
            value={metric.name}
            onInput={(event) => onChange({ name: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for={id("kind")}>Kind</label>
          <select
            id={id("kind")}
            value={metric.kind}
            onChange={(event) => onChange({ kind: event.currentTarget.value as MetricKind })}
          >
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={metric.primary}
            onChange={(event) => onChange({ primary: event.currentTarget.checked })}
          />{" "}
          primary
        </label>
        <button type="button" class="button small" onClick={onRemove}>
          Remove metric {index + 1}
        </button>
      </div>
      {metric.kind === "ratio" ? (
        <div class="grid-2">
          {text("numerator", "Numerator metric", "e.g. tokens")}
          {text("denominator", "Denominator metric", "e.g. conversations")}
        </div>
      ) : (
        metric.kind !== "mean" &&
        text(
          "covariate",
          "CUPED covariate (optional)",
          "A numeric entity property known before exposure, e.g. tokens_last_30d: narrows the interval.",
        )
      )}
      <div class="grid-2">
        <div class="field">
          <label for={id("guardrail")}>Guardrail</label>
          <select
            id={id("guardrail")}
            value={metric.guardrail?.harm ?? ""}
            onChange={(event) => {
              const harm = event.currentTarget.value;
              onChange({
                guardrail:
                  harm === "increase" || harm === "decrease"
                    ? { ...metric.guardrail, harm, tolerance: metric.guardrail?.tolerance ?? 0 }
                    : undefined,
              });
            }}
          >
            <option value="">not a guardrail</option>
            <option value="increase">harm if it rises</option>
            <option value="decrease">harm if it falls</option>
          </select>
        </div>
        {metric.guardrail && metric.guardrail.toleranceScale === "absolute" && (
          <p class="field-hint">
            Tolerated change: {metric.guardrail.tolerance} in the metric's units (set through the
            API).
          </p>
        )}
        {metric.guardrail && metric.guardrail.toleranceScale !== "absolute" && (
          <div class="field">
            <label for={id("tolerance")}>Tolerated change (%)</label>
            <input
              id={id("tolerance")}
              type="number"
              min={0}
              step="any"
              value={Number((metric.guardrail.tolerance * 100).toPrecision(6))}
              onInput={(event) =>
                onChange({
                  guardrail: {
                    ...metric.guardrail,
                    harm: metric.guardrail?.harm ?? "increase",
                    tolerance: event.currentTarget.valueAsNumber / 100,
                  },
                })
              }
            />
          </div>
        )}
      </div>
      <div class="grid-2">
        <div class="field">
          <label for={id("direction")}>Better when</label>
          <select
            id={id("direction")}
            value={metric.direction ?? ""}
            onChange={(event) => {
              const direction = event.currentTarget.value;
              onChange({
                direction: direction === "higher" || direction === "lower" ? direction : undefined,
              });
            }}
          >
            <option value="">default (from the guardrail, else higher)</option>
            <option value="higher">higher is better</option>
            <option value="lower">lower is better</option>
          </select>
        </div>
        {/* A rate's total is 0 or 1 and a ratio caps its sides: a cap belongs to the others. */}
        {((metric.kind !== "binomial" && metric.kind !== "ratio") || metric.cap !== undefined) && (
          <div class="field">
            <label for={id("cap")}>Cap per user (optional)</label>
            <input
              id={id("cap")}
              type="number"
              min={0}
              step="any"
              value={metric.cap ?? ""}
              onInput={(event) => {
                const cap = event.currentTarget.valueAsNumber;
                onChange({ cap: Number.isFinite(cap) ? cap : undefined });
              }}
            />
            <p class="field-hint">
              Each user's total counts as at most this, so one outlier cannot swing the result.
            </p>
          </div>
        )}
      </div>
    </fieldset>
  );
}

/** The metric as the API takes it: empty optional fields left out. */
export function metricForApi(row: MetricRow): Metric {
  const { id: _, numerator, denominator, covariate, guardrail, direction, cap, ...metric } = row;
  const ratio = row.kind === "ratio";
  return {
    ...metric,
    ...(ratio && numerator ? { numerator } : {}),
    ...(ratio && denominator ? { denominator } : {}),
    ...(!ratio && row.kind !== "mean" && covariate ? { covariate } : {}),
    ...(guardrail ? { guardrail } : {}),
    ...(direction ? { direction } : {}),
    ...(cap !== undefined ? { cap } : {}),
  };
}
