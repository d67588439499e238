import type { ExperimentStatus } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { Skeleton } from "../components/Skeleton.js";
import { StatusBadge } from "../components/StatusBadge.js";
import { formatTime } from "../format.js";
import { href, navigate } from "../route.js";
import { useLoad } from "../useLoad.js";

const FILTERS: (ExperimentStatus | null)[] = [null, "draft", "running", "stopped", "shipped"];

/** Every experiment of the project, filterable by status. */
export function ExperimentsPage({ status }: { status: string | null }) {
  const client = useClient();
  const filter = FILTERS.includes(status as ExperimentStatus) ? (status as ExperimentStatus) : null;
  const [experiments] = useLoad(
    () => client.listExperiments(filter ?? undefined),
    [client, filter],
  );
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Experiments</h1>
        <a class="button primary" href={href.newExperiment()}>
          New experiment
        </a>
      </div>
      <div class="field inline">
        <label for="status-filter">Status</label>
        <select
          id="status-filter"
          value={filter ?? ""}
          onChange={(event) => navigate(href.experiments(event.currentTarget.value || undefined))}
        >
          {FILTERS.map((option) => (
            <option key={option ?? "all"} value={option ?? ""}>
              {option ?? "all"}
            </option>
          ))}
        </select>
      </div>
      {experiments.state === "loading" && <Skeleton height="12rem" label="Loading experiments" />}
      {experiments.state === "error" && <ErrorMessage error={experiments.error} />}
      {experiments.state === "ready" &&
        (experiments.data.length === 0 ? (
          <p class="muted">No {filter ?? ""} experiments yet.</p>
        ) : (
          <div class="table-scroll">
            <table class="list-table" data-testid="experiments">
              <thead>
                <tr>
                  <th scope="col">Experiment</th>
                  <th scope="col">Status</th>
                  <th scope="col">Variants</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {[...experiments.data].reverse().map((experiment) => (
                  <tr key={experiment.id} data-key={experiment.key}>
                    <th scope="row">
                      <a href={href.experiment(experiment.key)}>{experiment.name}</a>
                      <div class="muted mono">{experiment.key}</div>
                    </th>
                    <td>
                      <StatusBadge status={experiment.status} />
                      {experiment.holdout && <span class="badge">holdout</span>}
                    </td>
                    <td>{experiment.variants.map((variant) => variant.key).join(", ")}</td>
                    <td>{formatTime(experiment.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}
