import { useState } from "preact/hooks";
import type { ApiError } from "../api/client.js";
import type { Experiment, ExperimentDraft, ExperimentPlan, Json, Segment } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { JsonEditor } from "../components/JsonEditor.js";
import { MetricFields, type MetricRow, metricForApi } from "../components/MetricFields.js";
import { PlanFields } from "../components/PlanFields.js";
import { PlannerPanel } from "../components/PlannerPanel.js";
import { Skeleton } from "../components/Skeleton.js";
import { href, navigate } from "../route.js";
import { asApiError, useLoad } from "../useLoad.js";

interface VariantRow {
  id: number;
  key: string;
  weight: number;
  /** Undefined while its JSON text does not parse. */
  config: Json | undefined;
}

let nextRowId = 1;
const rowId = () => nextRowId++;

/** Creates a draft (no `experimentKey`) or edits one. Only drafts can change their variants. */
export function ExperimentEditor({ experimentKey }: { experimentKey?: string }) {
  const client = useClient();
  const [loaded] = useLoad(
    async () => ({
      experiment: experimentKey ? await client.getExperiment(experimentKey) : null,
      segments: await client.listSegments(),
    }),
    [client, experimentKey],
  );
  const title = experimentKey ? `Edit ${experimentKey}` : "New experiment";
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {loaded.state === "loading" && <Skeleton height="30rem" label="Loading" />}
      {loaded.state === "error" && <ErrorMessage error={loaded.error} />}
      {loaded.state === "ready" &&
        (loaded.data.experiment && loaded.data.experiment.status !== "draft" ? (
          <p>
            Only a draft can be edited; this experiment is {loaded.data.experiment.status}.{" "}
            <a href={href.experiment(loaded.data.experiment.key)}>Back to it</a>
          </p>
        ) : (
          <EditorForm experiment={loaded.data.experiment} segments={loaded.data.segments} />
        ))}
    </>
  );
}

function EditorForm({
  experiment,
  segments,
}: {
  experiment: Experiment | null;
  segments: Segment[];
}) {
  const client = useClient();
  const [key, setKey] = useState(experiment?.key ?? "");
  const [name, setName] = useState(experiment?.name ?? "");
  const [description, setDescription] = useState(experiment?.description ?? "");
  const [variants, setVariants] = useState<VariantRow[]>(() =>
    (
      experiment?.variants ?? [
        { key: "control", weight: 50, config: null },
        { key: "treatment", weight: 50, config: null },
      ]
    ).map((variant) => ({
      id: rowId(),
      key: variant.key,
      weight: variant.weight,
      config: variant.config,
    })),
  );
  const [control, setControl] = useState(
    experiment?.control ?? experiment?.variants[0]?.key ?? "control",
  );
  const [chosenSegments, setChosenSegments] = useState<string[]>(experiment?.segments ?? []);
  const [coverage, setCoverage] = useState(
    Number(((experiment?.coverage ?? 1) * 100).toPrecision(6)),
  );
  const [metrics, setMetrics] = useState<MetricRow[]>(() =>
    (experiment?.metrics ?? []).map((metric) => ({ ...metric, id: rowId() })),
  );
  const [dimensions, setDimensions] = useState((experiment?.dimensions ?? []).join(", "));
  const [plan, setPlan] = useState<ExperimentPlan | null>(experiment?.plan ?? null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const total = variants.reduce(
    (sum, variant) => sum + (Number.isFinite(variant.weight) ? variant.weight : 0),
    0,
  );
  const invalidJson = variants
    .filter((variant) => variant.config === undefined)
    .map((v) => v.key || "?");
  const updateVariant = (id: number, change: Partial<VariantRow>) =>
    setVariants((rows) => rows.map((row) => (row.id === id ? { ...row, ...change } : row)));
  const updateMetric = (id: number, change: Partial<MetricRow>) =>
    setMetrics((rows) =>
      rows.map((row) =>
        row.id === id ? { ...row, ...change } : change.primary ? { ...row, primary: false } : row,
      ),
    );

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const draft: ExperimentDraft = {
      name,
      description,
      variants: variants.map((variant) => ({
        key: variant.key,
        weight: variant.weight,
        config: variant.config ?? null,
      })),
      control,
      segments: chosenSegments,
      coverage: coverage / 100,
      metrics: metrics.map(metricForApi),
      dimensions: dimensionList(dimensions),
      plan,
    };
    try {
      const saved = experiment
        ? await client.updateExperiment(experiment.key, draft)
        : await client.createExperiment({ key, ...draft });
      navigate(href.experiment(saved.key));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="editor" onSubmit={submit} noValidate>
      <section class="card">
        <h2>Basics</h2>
        <div class="grid-2">
          <div class="field">
            <label for="experiment-key">Experiment key</label>
            <input
              id="experiment-key"
              class="mono"
              required
              readOnly={experiment !== null}
              value={key}
              onInput={(event) => setKey(event.currentTarget.value)}
            />
            <p class="field-hint">What the app passes to evaluate; it cannot change later.</p>
          </div>
          <div class="field">
            <label for="experiment-name">Experiment name</label>
            <input
              id="experiment-name"
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </div>
        </div>
        <div class="field">
          <label for="experiment-description">Description</label>
          <textarea
            id="experiment-description"
            rows={2}
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </div>
      </section>

      <section class="card" aria-labelledby="variants-title">
        <h2 id="variants-title">Variants</h2>
        {variants.map((variant, index) => (
          <fieldset key={variant.id} class="variant-row" data-testid={`variant-${index}`}>
            <legend>Variant {index + 1}</legend>
            <div class="grid-3">
              <div class="field">
                <label for={`variant-${variant.id}-key`}>Key</label>
                <input
                  id={`variant-${variant.id}-key`}
                  class="mono"
                  value={variant.key}
                  onInput={(event) => updateVariant(variant.id, { key: event.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for={`variant-${variant.id}-weight`}>Weight (%)</label>
                <input
                  id={`variant-${variant.id}-weight`}
                  type="number"
                  min={0}
                  max={100}
                  step="any"
                  value={variant.weight}
                  onInput={(event) =>
                    updateVariant(variant.id, { weight: event.currentTarget.valueAsNumber })
                  }
                />
              </div>
              <div class="field">
                <span class="label">Control</span>
                <label class="check">
                  <input
                    type="radio"
                    name="control"
                    checked={control === variant.key}
                    onChange={() => setControl(variant.key)}
                  />{" "}
                  compare others with this one
                </label>
              </div>
            </div>
            <JsonEditor
              id={`variant-${variant.id}-config`}
              label="Config (JSON)"
              value={variant.config ?? null}
              onChange={(config) => updateVariant(variant.id, { config })}
            />
            <button
              type="button"
              class="button small"
              disabled={variants.length <= 2}
              onClick={() => setVariants((rows) => rows.filter((row) => row.id !== variant.id))}
            >
              Remove variant {index + 1}
            </button>
          </fieldset>
        ))}
        <div class="row">
          <button
            type="button"
            class="button"
            onClick={() =>
              setVariants((rows) => [
                ...rows,
                { id: rowId(), key: `variant_${rows.length}`, weight: 0, config: null },
              ])
            }
          >
            Add variant
          </button>
          <p class={Math.abs(total - 100) > 1e-6 ? "field-error" : "field-hint"} aria-live="polite">
            Weights sum to {Number(total.toPrecision(6))}%
            {Math.abs(total - 100) > 1e-6 ? " (they must sum to 100%)" : ""}
          </p>
        </div>
      </section>

      <section class="card" aria-labelledby="audience-title">
        <h2 id="audience-title">Audience</h2>
        <div class="field">
          <label for="coverage">Coverage (% of matching traffic)</label>
          <input
            id="coverage"
            type="number"
            min={0}
            max={100}
            step="any"
            value={coverage}
            onInput={(event) => setCoverage(event.currentTarget.valueAsNumber)}
          />
        </div>
        <fieldset class="plain">
          <legend>Segments (an entity must match one; none means everyone)</legend>
          {segments.length === 0 && <p class="muted">No segments in this project.</p>}
          {segments.map((segment) => (
            <label key={segment.key} class="check">
              <input
                type="checkbox"
                checked={chosenSegments.includes(segment.key)}
                onChange={(event) =>
                  setChosenSegments((chosen) =>
                    event.currentTarget.checked
                      ? [...chosen, segment.key]
                      : chosen.filter((key) => key !== segment.key),
                  )
                }
              />{" "}
              {segment.name} <span class="muted mono">{segment.key}</span>
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="dimensions">Dimensions (optional)</label>
          <input
            id="dimensions"
            class="mono"
            value={dimensions}
            placeholder="country, platform"
            onInput={(event) => setDimensions(event.currentTarget.value)}
          />
          <p class="field-hint">
            Entity properties (evaluate's properties) to break results down by, separated by commas;
            at most 5.
          </p>
        </div>
      </section>

      <section class="card" aria-labelledby="metrics-title">
        <h2 id="metrics-title">Metrics</h2>
        {metrics.length === 0 && (
          <p class="muted">No metrics: events are still counted, as counts.</p>
        )}
        {metrics.map((metric, index) => (
          <MetricFields
            key={metric.id}
            metric={metric}
            index={index}
            onChange={(change) => updateMetric(metric.id, change)}
            onRemove={() => setMetrics((rows) => rows.filter((row) => row.id !== metric.id))}
          />
        ))}
        <button
          type="button"
          class="button"
          onClick={() =>
            setMetrics((rows) => [
              ...rows,
              { id: rowId(), name: "", kind: "binomial", primary: rows.length === 0 },
            ])
          }
        >
          Add metric
        </button>
      </section>

      <section class="card" aria-labelledby="plan-title">
        <h2 id="plan-title">Plan</h2>
        <PlanFields plan={plan} onChange={setPlan} />
        {plan && (
          <PlannerPanel
            plan={plan}
            weights={variants.map((variant) => variant.weight)}
            primaryKind={metrics.find((metric) => metric.primary)?.kind}
          />
        )}
      </section>

      {invalidJson.length > 0 && (
        <p class="field-error" role="alert">
          Fix the config of {invalidJson.join(", ")}: it is not valid JSON.
        </p>
      )}
      {error && <ErrorMessage error={error} />}
      <div class="row">
        <button type="submit" class="button primary" disabled={busy || invalidJson.length > 0}>
          {experiment ? "Save draft" : "Create draft"}
        </button>
        <a class="button" href={experiment ? href.experiment(experiment.key) : href.experiments()}>
          Cancel
        </a>
      </div>
    </form>
  );
}

/** The dimensions typed as a comma-separated list; the API checks each name. */
function dimensionList(text: string): string[] {
  return text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}
