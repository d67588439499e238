// How the page writes the API's numbers. Formatting only: every value shown is one the
// results endpoint returned, rounded for reading; nothing is recomputed here.

const DASH = "–";

/** A count: 12,345. */
export function formatCount(value: number | null | undefined): string {
  return value == null ? DASH : Math.round(value).toLocaleString("en-US");
}

/** A mean or effect, with 4 significant digits: 0.1234, 12.35, 1,235. */
export function formatNumber(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toLocaleString("en-US", { maximumFractionDigits: 0 });
  return Number(value.toPrecision(4)).toString();
}

/** A share (0.1234) as a percentage with 2 decimals: 12.34%. */
export function formatPercent(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  return `${(value * 100).toFixed(2)}%`;
}

/** A signed share: +3.10%, -0.52%. */
export function formatSignedPercent(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  const text = formatPercent(value);
  return value > 0 ? `+${text}` : text;
}

/** A signed number: +0.0123. */
export function formatSignedNumber(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  const text = formatNumber(value);
  return value > 0 ? `+${text}` : text;
}

/** An interval with the formatter of its values: [-1.20%, +3.40%]. */
export function formatInterval(
  interval: [number, number] | null | undefined,
  format: (value: number) => string,
): string {
  return interval ? `[${format(interval[0])}, ${format(interval[1])}]` : DASH;
}

/** A p-value: 4 decimals, or "< 0.0001". */
export function formatP(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  return value < 0.0001 ? "< 0.0001" : value.toFixed(4);
}

/** A date-time from the API, in the reader's locale. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : DASH;
}

/** The confidence level of an alpha: 0.05 -> "95%". */
export function levelOf(alpha: number): string {
  return `${Number(((1 - alpha) * 100).toPrecision(4))}%`;
}
