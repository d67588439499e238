import { useState } from "preact/hooks";
import type { LogQuery } from "../api/types.js";
import { filterParams, isoOfLocalInput, localInputOf } from "./logFilters.js";

/**
 * The log browser's filters. Applying puts them in the URL (so Back and links keep them);
 * the API checks them and the page shows its answer, errors included.
 */
export function LogFilterForm({
  variants,
  query,
  onApply,
}: {
  variants: string[];
  query: LogQuery;
  onApply: (params: URLSearchParams) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>(() => ({
    variant: query.variant ?? "",
    scoreName: query.scoreName ?? "",
    scoreMin: query.scoreMin === undefined ? "" : String(query.scoreMin),
    scoreMax: query.scoreMax === undefined ? "" : String(query.scoreMax),
    from: localInputOf(query.from),
    to: localInputOf(query.to),
    entityId: query.entityId ?? "",
  }));
  const field = (name: string) => ({
    id: `log-filter-${name}`,
    value: values[name] ?? "",
    onInput: (event: { currentTarget: { value: string } }) =>
      setValues({ ...values, [name]: event.currentTarget.value }),
  });
  const apply = (event: Event) => {
    event.preventDefault();
    onApply(
      filterParams({
        ...values,
        from: isoOfLocalInput(values.from ?? ""),
        to: isoOfLocalInput(values.to ?? ""),
      }),
    );
  };

  return (
    <form class="card log-filters" aria-label="Log filters" onSubmit={apply}>
      <div class="filter-grid">
        <div class="field">
          <label for="log-filter-variant">Variant</label>
          <select {...field("variant")} onChange={field("variant").onInput}>
            <option value="">all variants</option>
            {variants.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="log-filter-scoreName">Score name</label>
          <input type="text" placeholder="judge" {...field("scoreName")} />
        </div>
        <div class="field">
          <label for="log-filter-scoreMin">Score min</label>
          <input type="number" step="any" {...field("scoreMin")} />
        </div>
        <div class="field">
          <label for="log-filter-scoreMax">Score max</label>
          <input type="number" step="any" {...field("scoreMax")} />
        </div>
        <div class="field">
          <label for="log-filter-from">From</label>
          <input type="datetime-local" step="1" {...field("from")} />
        </div>
        <div class="field">
          <label for="log-filter-to">To</label>
          <input type="datetime-local" step="1" {...field("to")} />
        </div>
        <div class="field">
          <label for="log-filter-entityId">Entity</label>
          <input type="text" {...field("entityId")} />
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="button primary">
          Apply filters
        </button>
        <button type="button" class="button" onClick={() => onApply(new URLSearchParams())}>
          Clear
        </button>
      </div>
    </form>
  );
}
