import type { LogQuery } from "../api/types.js";

/** The filters the log browser keeps in its URL, by query parameter. */
const TEXT_FILTERS = ["variant", "from", "to", "scoreName", "entityId"] as const;
const NUMBER_FILTERS = ["scoreMin", "scoreMax"] as const;

/** The API query of the browser's URL parameters; unknown parameters are left out. */
export function logQueryOf(params: URLSearchParams): LogQuery {
  const query: LogQuery = {};
  for (const name of TEXT_FILTERS) {
    const value = params.get(name);
    if (value) query[name] = value;
  }
  for (const name of NUMBER_FILTERS) {
    const value = params.get(name);
    // A typed bound that is not a number is sent as written, for the API to refuse by name.
    if (value) query[name] = (Number.isFinite(Number(value)) ? Number(value) : value) as number;
  }
  return query;
}

/** True when the query narrows the logs at all. */
export function isFiltered(query: LogQuery): boolean {
  return [...TEXT_FILTERS, ...NUMBER_FILTERS].some((name) => query[name] !== undefined);
}

/** The URL parameters of a filter form's values (empty fields dropped). */
export function filterParams(values: Record<string, string>): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of [...TEXT_FILTERS, ...NUMBER_FILTERS]) {
    const value = values[name]?.trim();
    if (value) params.set(name, value);
  }
  return params;
}

/** An ISO time as a `datetime-local` input shows it, in the reader's time zone. */
export function localInputOf(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/** A `datetime-local` value (reader's time zone) as an ISO time; empty stays empty. */
export function isoOfLocalInput(value: string): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
