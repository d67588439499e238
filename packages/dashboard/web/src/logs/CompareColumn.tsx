import type { LogRecord } from "../api/types.js";
import { formatTime } from "../format.js";
import { href } from "../route.js";
import { JsonBlock } from "./JsonBlock.js";
import { MetricList } from "./MetricList.js";
import { ScoreTable } from "./ScoreTable.js";

/** One side of the comparison: a variant's output, metrics and scores for the shared input. */
export function CompareColumn({
  experimentKey,
  log,
  label,
  pairedWith,
}: {
  experimentKey: string;
  log: LogRecord;
  label: string;
  /** The other side's log id: this side's link opens it compared with that one. */
  pairedWith: string;
}) {
  return (
    <article class="compare-column" data-variant={log.variantKey} data-log-id={log.id}>
      <h3>
        {label}: <span class="variant-key">{log.variantKey}</span>
      </h3>
      <p class="muted">
        <a href={href.experimentLog(experimentKey, log.id, pairedWith)}>
          {formatTime(log.createdAt)}
        </a>
      </p>
      <JsonBlock title="Output" value={log.output} testId={`compare-output-${log.variantKey}`} />
      <MetricList metrics={log.metrics} testId={`compare-metrics-${log.variantKey}`} />
      <ScoreTable scores={log.scores ?? []} testId={`compare-scores-${log.variantKey}`} />
    </article>
  );
}
