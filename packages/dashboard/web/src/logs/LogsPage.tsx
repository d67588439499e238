import { useClient } from "../clientContext.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { ExperimentTabs } from "../components/ExperimentTabs.js";
import { Skeleton } from "../components/Skeleton.js";
import { href, navigate } from "../route.js";
import { useLoad } from "../useLoad.js";
import { LogFilterForm } from "./LogFilterForm.js";
import { LogPagingStatus } from "./LogPagingStatus.js";
import { LogTable } from "./LogTable.js";
import { isFiltered, logQueryOf } from "./logFilters.js";
import { useLogPages } from "./useLogPages.js";

/** An experiment's execution logs, newest first: filtered, paged, each row opening one. */
export function LogsPage({
  experimentKey,
  query: params,
}: {
  experimentKey: string;
  query: URLSearchParams;
}) {
  const client = useClient();
  const [experiment] = useLoad(() => client.getExperiment(experimentKey), [client, experimentKey]);
  const variants =
    experiment.state === "ready" ? experiment.data.variants.map((variant) => variant.key) : [];

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>{experiment.state === "ready" ? experiment.data.name : experimentKey}</h1>
      </div>
      <ExperimentTabs experimentKey={experimentKey} current="logs" />
      {experiment.state === "error" ? (
        <ErrorMessage error={experiment.error} />
      ) : (
        <LogBrowser experimentKey={experimentKey} params={params} variants={variants} />
      )}
    </>
  );
}

function LogBrowser({
  experimentKey,
  params,
  variants,
}: {
  experimentKey: string;
  params: URLSearchParams;
  variants: string[];
}) {
  const query = logQueryOf(params);
  const queryKey = new URLSearchParams(query as Record<string, string>).toString();
  const [pages, loadMore] = useLogPages(experimentKey, query, queryKey);
  return (
    <>
      <h2 id="logs-title">Execution logs</h2>
      <LogFilterForm
        // A new query (Back, a link) resets the form; the variants arriving later do not.
        key={queryKey}
        variants={variants}
        query={query}
        onApply={(next) => navigate(href.experimentLogs(experimentKey, next))}
      />
      {pages.state === "loading" && <Skeleton height="16rem" label="Loading logs" />}
      {pages.state === "error" && <ErrorMessage error={pages.error} />}
      {pages.state === "ready" && (
        <section aria-labelledby="logs-title">
          {pages.logs.length > 0 && <LogTable experimentKey={experimentKey} logs={pages.logs} />}
          <LogPagingStatus
            pages={pages}
            filtered={isFiltered(query)}
            onLoadMore={() => void loadMore()}
          />
        </section>
      )}
    </>
  );
}
