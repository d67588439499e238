import type { LogScore } from "../api/types.js";
import { formatNumber, formatTime } from "../format.js";

/** The scores attached to a log, oldest first: name, value, who scored, when. */
export function ScoreTable({ scores, testId }: { scores: LogScore[]; testId: string }) {
  return (
    <section>
      <h3>Scores</h3>
      {scores.length === 0 ? (
        <p class="muted">No scores yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="list-table" data-testid={testId}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Source</th>
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
              {scores.map((score) => (
                <tr key={`${score.name}-${score.createdAt}`} data-score={score.name}>
                  <th scope="row" class="mono">
                    {score.name}
                  </th>
                  <td data-cell="value">{formatNumber(score.value)}</td>
                  <td data-cell="source">{score.source ?? "–"}</td>
                  <td data-cell="time">{formatTime(score.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
