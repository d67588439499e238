import type { ExperimentResults } from "../api/types.js";
import { formatNumber, formatPercent, formatTime } from "../format.js";

/** A bandit's arms: the share each gets now and its chance to be best; then its rebalances. */
export function BanditPanel({ bandit }: { bandit: NonNullable<ExperimentResults["bandit"]> }) {
  const last = bandit.history.at(-1);
  return (
    <section class="card" aria-labelledby="bandit-title" data-testid="bandit">
      <h3 id="bandit-title">Bandit</h3>
      <p class="muted">
        Shares follow each arm's chance to be best (Thompson sampling), never below{" "}
        {formatNumber(bandit.floor)}%. They move with the data, so there are no fixed-sample
        p-values or intervals, and no sample-ratio check. {bandit.history.length} rebalances
        {last ? `, the last at ${formatTime(last.at)}` : ""}.
      </p>
      <div class="table-scroll">
        <table class="results-table">
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">Share now</th>
              <th scope="col">Chance to be best</th>
            </tr>
          </thead>
          <tbody>
            {bandit.arms.map((arm) => (
              <tr key={arm.variantKey} data-variant={arm.variantKey}>
                <th scope="row">{arm.variantKey}</th>
                <td data-cell="weight">{formatNumber(arm.weight)}%</td>
                <td data-cell="best">{formatPercent(arm.chanceToBeBest)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
