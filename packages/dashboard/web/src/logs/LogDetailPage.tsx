import type { LogRecord } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { ExperimentTabs } from "../components/ExperimentTabs.js";
import { Skeleton } from "../components/Skeleton.js";
import { formatTime } from "../format.js";
import { href } from "../route.js";
import { useLoad } from "../useLoad.js";
import { ComparePanel } from "./ComparePanel.js";
import { JsonBlock } from "./JsonBlock.js";
import { MetricList } from "./MetricList.js";
import { ScoreTable } from "./ScoreTable.js";

/** One execution: input, output, metrics, scores and context, then the same input elsewhere. */
export function LogDetailPage({
  experimentKey,
  logId,
  compareWith,
}: {
  experimentKey: string;
  logId: string;
  compareWith: string | null;
}) {
  const client = useClient();
  const [log] = useLoad(() => client.log(experimentKey, logId), [client, experimentKey, logId]);
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Execution</h1>
        <a class="button" href={href.experimentLogs(experimentKey)}>
          All logs
        </a>
      </div>
      <ExperimentTabs experimentKey={experimentKey} current="logs" />
      {log.state === "loading" && <Skeleton height="20rem" label="Loading the execution" />}
      {log.state === "error" && <ErrorMessage error={log.error} />}
      {log.state === "ready" && (
        <>
          <LogFacts log={log.data} />
          <div class="card">
            <JsonBlock title="Input" value={log.data.input} testId="log-input" />
            <JsonBlock title="Output" value={log.data.output} testId="log-output" />
            <MetricList metrics={log.data.metrics} testId="log-metrics" />
            <ScoreTable scores={log.data.scores ?? []} testId="log-scores" />
            <JsonBlock title="Context" value={log.data.context} testId="log-context" />
          </div>
          <ComparePanel experimentKey={experimentKey} log={log.data} initial={compareWith} />
        </>
      )}
    </>
  );
}

function LogFacts({ log }: { log: LogRecord }) {
  return (
    <dl class="facts card" data-testid="log-facts">
      <dt>Time</dt>
      <dd data-fact="time">{formatTime(log.createdAt)}</dd>
      <dt>Variant</dt>
      <dd data-fact="variant">{log.variantKey}</dd>
      <dt>Entity</dt>
      <dd data-fact="entity" class="mono">
        {log.entityId ?? "–"}
      </dd>
      <dt>Log id</dt>
      <dd data-fact="id" class="mono wrap">
        {log.id}
      </dd>
    </dl>
  );
}
