import { Fragment } from "preact";
import type { LogRecord } from "../api/types.js";
import { formatTime } from "../format.js";
import { href, navigate } from "../route.js";
import { previewJson, previewNumbers } from "./preview.js";

/** Logs newest first, one row each; a row opens its execution (its time is the link). */
export function LogTable({ experimentKey, logs }: { experimentKey: string; logs: LogRecord[] }) {
  return (
    <div class="table-scroll">
      <table class="list-table log-table" data-testid="log-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Variant</th>
            <th scope="col">Entity</th>
            <th scope="col">Input</th>
            <th scope="col">Output</th>
            <th scope="col">Metrics</th>
            <th scope="col">Scores</th>
          </tr>
        </thead>
        <tbody>
          {logs.map((log) => {
            const target = href.experimentLog(experimentKey, log.id);
            return (
              <tr
                key={log.id}
                data-log-id={log.id}
                class="clickable"
                // The link is the keyboard's way in; the rest of the row helps the mouse.
                onClick={(event) => {
                  if (!(event.target as Element).closest("a")) navigate(target);
                }}
              >
                <th scope="row" data-cell="time">
                  <a href={target}>{formatTime(log.createdAt)}</a>
                </th>
                <td data-cell="variant">{log.variantKey}</td>
                <td data-cell="entity" class="mono">
                  {log.entityId ?? "–"}
                </td>
                <td data-cell="input" class="preview">
                  {previewJson(log.input)}
                </td>
                <td data-cell="output" class="preview">
                  {previewJson(log.output)}
                </td>
                <td data-cell="metrics">
                  <NumberPairs entries={Object.entries(log.metrics)} />
                </td>
                <td data-cell="scores">
                  <NumberPairs
                    entries={(log.scores ?? []).map((score) => [score.name, score.value])}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** `previewNumbers`' text, each pair kept on one line when the cell wraps. */
function NumberPairs({ entries }: { entries: [string, number][] }) {
  const pairs = previewNumbers(entries).split(" · ");
  return (
    <>
      {pairs.map((pair, index) => (
        <Fragment key={pair}>
          {index > 0 && " · "}
          <span class="pair">{pair}</span>
        </Fragment>
      ))}
    </>
  );
}
