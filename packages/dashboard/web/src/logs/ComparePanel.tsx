import { useState } from "preact/hooks";
import type { LogRecord } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { Skeleton } from "../components/Skeleton.js";
import { formatCount, formatTime } from "../format.js";
import { useLoad } from "../useLoad.js";
import { CompareColumn } from "./CompareColumn.js";
import { JsonBlock } from "./JsonBlock.js";

/**
 * This execution beside one of another variant that had the same input: the server finds
 * them (deep-equal input JSON); the reader picks which when there are several.
 */
export function ComparePanel({
  experimentKey,
  log,
  initial,
}: {
  experimentKey: string;
  log: LogRecord;
  initial: string | null;
}) {
  const client = useClient();
  const [others] = useLoad(
    () => client.sameInputLogs(experimentKey, log.id),
    [client, experimentKey, log.id],
  );
  const [chosenId, setChosenId] = useState(initial);

  return (
    <section class="card" aria-labelledby="compare-title" data-testid="compare">
      <h2 id="compare-title">Compare with another variant</h2>
      {others.state === "loading" && <Skeleton height="8rem" label="Looking for the same input" />}
      {others.state === "error" && <ErrorMessage error={others.error} />}
      {others.state === "ready" && others.data.logs.length === 0 && (
        <p class="muted" data-testid="compare-empty">
          No execution of another variant with the same input
          {others.data.exhausted === false
            ? ` in the last ${formatCount(others.data.scanned ?? 0)} executions.`
            : "."}
        </p>
      )}
      {others.state === "ready" && others.data.logs.length > 0 && (
        <CompareChoice
          log={log}
          others={others.data.logs}
          chosen={others.data.logs.find((other) => other.id === chosenId) ?? others.data.logs[0]}
          onChoose={setChosenId}
          experimentKey={experimentKey}
        />
      )}
    </section>
  );
}

function CompareChoice({
  log,
  others,
  chosen,
  onChoose,
  experimentKey,
}: {
  log: LogRecord;
  others: LogRecord[];
  chosen: LogRecord | undefined;
  onChoose: (id: string) => void;
  experimentKey: string;
}) {
  return (
    <>
      {others.length > 1 && (
        <div class="field">
          <label for="compare-with">Compare with</label>
          <select
            id="compare-with"
            value={chosen?.id}
            onChange={(event) => onChoose(event.currentTarget.value)}
          >
            {others.map((other) => (
              <option key={other.id} value={other.id}>
                {other.variantKey} · {formatTime(other.createdAt)}
              </option>
            ))}
          </select>
        </div>
      )}
      <JsonBlock title="Same input" value={log.input} testId="compare-input" />
      <div class="compare">
        {chosen && (
          <>
            <CompareColumn
              experimentKey={experimentKey}
              log={log}
              label="This execution"
              pairedWith={chosen.id}
            />
            <CompareColumn
              experimentKey={experimentKey}
              log={chosen}
              label="Other variant"
              pairedWith={log.id}
            />
          </>
        )}
      </div>
    </>
  );
}
