import { useState } from "preact/hooks";
import type { ApiError } from "../api/client.js";
import type { ExperimentPlan, PlanAnswer, PlanRequest } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { formatCount } from "../format.js";
import { asApiError } from "../useLoad.js";
import { ErrorMessage } from "./ErrorMessage.js";

/**
 * The sample-size planner: `POST /api/v1/plan` on the plan's effect and power, the variants'
 * split and a baseline entered here, and its answer shown as it came.
 */
export function PlannerPanel({
  plan,
  weights,
  primaryKind,
}: {
  plan: ExperimentPlan;
  /** The variants' weights, control first. */
  weights: number[];
  /** The primary metric's kind, to start on the right planner. */
  primaryKind: string | undefined;
}) {
  const client = useClient();
  const [metric, setMetric] = useState<PlanRequest["metric"]>(
    primaryKind === "binomial" || primaryKind === undefined ? "binomial" : "mean",
  );
  const [baseline, setBaseline] = useState(10);
  const [sd, setSd] = useState(1);
  const [answer, setAnswer] = useState<PlanAnswer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const compute = async () => {
    setError(null);
    setBusy(true);
    const request: PlanRequest = {
      metric,
      // A rate is entered in percent; the API takes it as a fraction.
      baseline: metric === "binomial" ? baseline / 100 : baseline,
      ...(metric === "mean" ? { sd } : {}),
      mde: plan.mde,
      mdeType: plan.mdeScale,
      power: plan.power,
      variants: weights.length,
      ...(weights.every((weight) => weight > 0) ? { split: weights } : {}),
      ...(plan.dailyUsers === undefined ? {} : { dailyUsers: plan.dailyUsers }),
    };
    try {
      setAnswer(await client.plan(request));
    } catch (caught) {
      setAnswer(null);
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="planner" data-testid="planner">
      <h3>Planner</h3>
      <div class="grid-2">
        <div class="field">
          <label for="planner-metric">Primary metric is</label>
          <select
            id="planner-metric"
            value={metric}
            onChange={(event) =>
              setMetric(event.currentTarget.value === "mean" ? "mean" : "binomial")
            }
          >
            <option value="binomial">a conversion rate</option>
            <option value="mean">a per-user mean</option>
          </select>
        </div>
        <div class="field">
          <label for="planner-baseline">
            {metric === "binomial" ? "Control's rate (%)" : "Control's mean"}
          </label>
          <input
            id="planner-baseline"
            type="number"
            step="any"
            value={baseline}
            onInput={(event) => setBaseline(event.currentTarget.valueAsNumber)}
          />
        </div>
        {metric === "mean" && (
          <div class="field">
            <label for="planner-sd">Standard deviation per user</label>
            <input
              id="planner-sd"
              type="number"
              min={0}
              step="any"
              value={sd}
              onInput={(event) => setSd(event.currentTarget.valueAsNumber)}
            />
          </div>
        )}
      </div>
      <button type="button" class="button" disabled={busy} onClick={() => void compute()}>
        Compute users needed
      </button>
      {error && <ErrorMessage error={error} />}
      {answer && (
        <p class="planner-answer" data-testid="planner-answer" aria-live="polite">
          <strong data-cell="total-users">{formatCount(answer.totalUsers)}</strong> users in all (
          {answer.usersPerVariant.map(formatCount).join(" / ")} per variant)
          {answer.days !== undefined && (
            <>
              , about <strong data-cell="days">{formatCount(answer.days)}</strong> days
            </>
          )}
          .
        </p>
      )}
    </div>
  );
}
