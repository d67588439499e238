import type { ExperimentPlan } from "../api/types.js";

/** A number input's value as the API takes it; NaN (an empty field) becomes undefined. */
function finite(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

/** The plan's fields: the effect worth detecting, on which scale, the power, the daily users. */
export function PlanFields({
  plan,
  onChange,
}: {
  plan: ExperimentPlan | null;
  onChange: (plan: ExperimentPlan | null) => void;
}) {
  const relative = plan?.mdeScale !== "absolute";
  return (
    <fieldset class="plain" data-testid="plan-fields">
      <label class="check">
        <input
          type="checkbox"
          checked={plan !== null}
          onChange={(event) =>
            onChange(
              event.currentTarget.checked ? { mde: 0.05, mdeScale: "relative", power: 0.8 } : null,
            )
          }
        />{" "}
        Size the experiment for an effect (results then say how many users are still needed)
      </label>
      {plan && (
        <div class="grid-2">
          <div class="field">
            <label for="plan-mde">
              Minimum detectable effect {relative ? "(% of the control)" : "(metric units)"}
            </label>
            <input
              id="plan-mde"
              type="number"
              min={0}
              step="any"
              value={relative ? Number((plan.mde * 100).toPrecision(6)) : plan.mde}
              onInput={(event) => {
                const value = event.currentTarget.valueAsNumber;
                onChange({ ...plan, mde: relative ? value / 100 : value });
              }}
            />
            <p class="field-hint">
              {relative
                ? "5 means +5% of the control's value."
                : "A difference in the metric's units: for a rate, 0.02 is 2 percentage points."}
            </p>
          </div>
          <div class="field">
            <label for="plan-scale">Effect scale</label>
            <select
              id="plan-scale"
              value={plan.mdeScale}
              onChange={(event) =>
                onChange({
                  ...plan,
                  mdeScale: event.currentTarget.value === "absolute" ? "absolute" : "relative",
                })
              }
            >
              <option value="relative">relative</option>
              <option value="absolute">absolute</option>
            </select>
          </div>
          <div class="field">
            <label for="plan-power">Power (%)</label>
            <input
              id="plan-power"
              type="number"
              min={1}
              max={99}
              step="any"
              value={Number((plan.power * 100).toPrecision(6))}
              onInput={(event) =>
                onChange({ ...plan, power: event.currentTarget.valueAsNumber / 100 })
              }
            />
          </div>
          <div class="field">
            <label for="plan-daily-users">Daily users (optional)</label>
            <input
              id="plan-daily-users"
              type="number"
              min={1}
              step="any"
              value={plan.dailyUsers ?? ""}
              onInput={(event) => {
                const { dailyUsers: _, ...rest } = plan;
                const dailyUsers = finite(event.currentTarget.valueAsNumber);
                onChange(dailyUsers === undefined ? rest : { ...rest, dailyUsers });
              }}
            />
            <p class="field-hint">Users entering per day, to turn users needed into days.</p>
          </div>
        </div>
      )}
    </fieldset>
  );
}
