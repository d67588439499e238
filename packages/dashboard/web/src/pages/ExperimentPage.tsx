import { useState } from "preact/hooks";
import type { ApiError } from "../api/client.js";
import type { Experiment } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { ConfirmButton } from "../components/ConfirmButton.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { ExperimentTabs } from "../components/ExperimentTabs.js";
import { Skeleton } from "../components/Skeleton.js";
import { StatusBadge } from "../components/StatusBadge.js";
import { formatTime } from "../format.js";
import { href } from "../route.js";
import { asApiError, useLoad } from "../useLoad.js";

/** One experiment: its definition, its lifecycle actions and its results. */
export function ExperimentPage({ experimentKey }: { experimentKey: string }) {
  const client = useClient();
  const [experiment, reloadExperiment] = useLoad(
    () => client.getExperiment(experimentKey),
    [client, experimentKey],
  );
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const act = (action: "start" | "stop") => async () => {
    setActionError(null);
    try {
      await (action === "start"
        ? client.startExperiment(experimentKey)
        : client.stopExperiment(experimentKey));
      await reloadExperiment();
    } catch (error) {
      setActionError(asApiError(error));
    }
  };

  if (experiment.state === "loading") {
    return (
      <>
        <h1 tabIndex={-1}>{experimentKey}</h1>
        <Skeleton height="20rem" label="Loading the experiment" />
      </>
    );
  }
  if (experiment.state === "error") {
    return (
      <>
        <h1 tabIndex={-1}>{experimentKey}</h1>
        <ErrorMessage error={experiment.error} />
      </>
    );
  }
  const current = experiment.data;
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>
          {current.name} <StatusBadge status={current.status} />
        </h1>
        <div class="actions">
          {current.status === "draft" && (
            <>
              <a class="button" href={href.editExperiment(current.key)}>
                Edit
              </a>
              <ConfirmButton
                label="Start"
                confirmLabel="Start experiment"
                question={
                  <p>
                    Start <strong>{current.name}</strong>? Users are assigned from now on, and its
                    variants and weights can no longer change.
                  </p>
                }
                onConfirm={act("start")}
              />
            </>
          )}
          {current.status === "running" && (
            <ConfirmButton
              label="Stop"
              confirmLabel="Stop experiment"
              danger
              question={
                <p>
                  Stop <strong>{current.name}</strong>? Evaluation returns no variant from now on;
                  results stay readable. A stopped experiment cannot be started again.
                </p>
              }
              onConfirm={act("stop")}
            />
          )}
        </div>
      </div>
      <ExperimentTabs experimentKey={current.key} current="overview" />
      {actionError && <ErrorMessage error={actionError} />}
      <Definition experiment={current} />
      {current.status === "draft" ? (
        <p class="muted">Results appear once the experiment is started.</p>
      ) : (
        <Results experiment={current} />
      )}
    </>
  );
}

function Definition({ experiment }: { experiment: Experiment }) {
  const control = experiment.control ?? experiment.variants[0]?.key;
  const lastDecision = experiment.decisions?.at(-1);
  return (
    <section class="card" aria-labelledby="definition-title">
      <h2 id="definition-title">Definition</h2>
      {experiment.description && <p>{experiment.description}</p>}
      <dl class="facts">
        <dt>Key</dt>
        <dd class="mono">{experiment.key}</dd>
        <dt>Coverage</dt>
        <dd>{Number((experiment.coverage * 100).toPrecision(4))}%</dd>
        <dt>Segments</dt>
        <dd>{experiment.segments.length ? experiment.segments.join(", ") : "everyone"}</dd>
        <dt>Metrics</dt>
        <dd>
          {experiment.metrics.length
            ? experiment.metrics
                .map(
                  (metric) =>
                    `${metric.name} (${metric.kind}${metric.primary ? ", primary" : ""}${metric.direction === "lower" ? ", lower is better" : ""}${metric.cap !== undefined ? `, capped at ${metric.cap}` : ""})`,
                )
                .join(", ")
            : "none declared"}
        </dd>
        {(experiment.dimensions?.length ?? 0) > 0 && (
          <>
            <dt>Dimensions</dt>
            <dd class="mono">{experiment.dimensions?.join(", ")}</dd>
          </>
        )}
        {experiment.plan && (
          <>
            <dt>Plan</dt>
            <dd data-testid="plan-fact">
              detect{" "}
              {experiment.plan.mdeScale === "relative"
                ? `${Number((experiment.plan.mde * 100).toPrecision(4))}% of the control`
                : `${experiment.plan.mde} (absolute)`}{" "}
              with {Number((experiment.plan.power * 100).toPrecision(4))}% power
              {experiment.plan.dailyUsers ? `, ${experiment.plan.dailyUsers} users a day` : ""}
            </dd>
          </>
        )}
        {experiment.holdout && (
          <>
            <dt>Holdout of</dt>
            <dd>{experiment.holdout.covers?.join(", ") ?? "every experiment"}</dd>
          </>
        )}
        {experiment.flagKey && (
          <>
            <dt>Flag</dt>
            <dd class="mono">{experiment.flagKey}</dd>
          </>
        )}
        {experiment.shipped && (
          <>
            <dt>Shipped</dt>
            <dd data-testid="shipped-fact">
              {experiment.shipped.variantKey} to everyone, by {experiment.shipped.by},{" "}
              {formatTime(experiment.shipped.at)}
            </dd>
          </>
        )}
        {lastDecision && (
          <>
            <dt>Decision</dt>
            <dd data-testid="decision-fact">
              {lastDecision.action} {lastDecision.variantKey} by {lastDecision.by},{" "}
              {formatTime(lastDecision.at)}: {lastDecision.summary}
            </dd>
          </>
        )}
        <dt>Started</dt>
        <dd>{formatTime(experiment.startedAt)}</dd>
        <dt>Stopped</dt>
        <dd>{formatTime(experiment.stoppedAt)}</dd>
      </dl>
      <h3>Variants{experiment.status !== "draft" && <span class="muted"> (read-only)</span>}</h3>
      <div class="table-scroll">
        <table class="list-table" data-testid="variants">
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">Weight</th>
              <th scope="col">Config</th>
            </tr>
          </thead>
          <tbody>
            {experiment.variants.map((variant) => (
              <tr key={variant.key}>
                <th scope="row">
                  {variant.key}
                  {variant.key === control && <span class="muted"> (control)</span>}
                </th>
                <td>{variant.weight}%</td>
                <td>
                  <pre class="mono config">{JSON.stringify(variant.config, null, 2)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// The results view carries the chart library: fetched with the first results, so the other
// pages load without it.
const loadResultsView = () =>
  import("../results/ResultsView.js").then((module) => module.ResultsView);

function Results({ experiment }: { experiment: Experiment }) {
  const client = useClient();
  const experimentKey = experiment.key;
  const [results, reload] = useLoad(async () => {
    const [View, data] = await Promise.all([loadResultsView(), client.results(experimentKey)]);
    return { View, data };
  }, [client, experimentKey]);
  return (
    <section aria-labelledby="results-title">
      <div class="page-head">
        <h2 id="results-title">Results</h2>
        <button type="button" class="button" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {results.state === "loading" && <Skeleton height="24rem" label="Loading results" />}
      {results.state === "error" && <ErrorMessage error={results.error} />}
      {results.state === "ready" && (
        <results.data.View results={results.data.data} experiment={experiment} />
      )}
    </section>
  );
}
