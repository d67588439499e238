import { formatNumber } from "../format.js";

/** A one-line preview of a JSON value: text as it is, anything else as compact JSON. */
export function previewJson(value: unknown, max = 80): string {
  if (value === null || value === undefined) return "–";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `name value` pairs on one line: `latency_ms 812 · tokens 311`. */
export function previewNumbers(entries: [string, number][]): string {
  return entries.length === 0
    ? "–"
    : entries.map(([name, value]) => `${name} ${formatNumber(value)}`).join(" · ");
}

/** The full JSON of a value, indented, as the detail view shows it. */
export function prettyJson(value: unknown): string {
  return value === undefined ? "null" : JSON.stringify(value, null, 2);
}
