/** A two-sided interval `[lower, upper]`, as the results give it. */
type Interval = readonly [number, number];

/** What a missing number (too little data, undefined ratio) prints as. */
export const NA = "n/a";

/**
 * A number with at most 4 significant digits and thousands separators: `1,234`, `0.1235`,
 * `12.5`; `n/a` for null.
 */
export function formatNumber(value: number | null, signed = false): string {
  if (value === null) return NA;
  const text = NUMBER.format(Math.abs(value) < 1e-12 ? 0 : value);
  return signed && value > 0 ? `+${text}` : text;
}

/** An integer count with thousands separators. */
export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** A fraction as a percentage with 2 decimals (`0.1294` -> `12.94%`); `n/a` for null. */
export function formatPercent(value: number | null, signed = false): string {
  if (value === null) return NA;
  const text = `${(value * 100).toFixed(2)}%`;
  return signed && value > 0 ? `+${text}` : text.replace(/^-0\.00%$/, "0.00%");
}

/** A difference of rates in percentage points (`0.027` -> `+2.70 pp`). */
export function formatPoints(value: number | null): string {
  if (value === null) return NA;
  const text = (value * 100).toFixed(2);
  return `${value > 0 && text !== "0.00" ? "+" : ""}${text.replace(/^-0\.00$/, "0.00")} pp`;
}

/** An interval as `[low, high]`, each bound formatted by `format`; `n/a` for null. */
export function formatInterval(
  interval: Interval | null | undefined,
  format: (value: number) => string,
): string {
  if (!interval) return NA;
  return `[${format(interval[0])}, ${format(interval[1])}]`;
}

/**
 * A p-value: 3 decimals down to 0.001, then scientific (`4.1e-7`); `<1e-300` for a value
 * too small for a double (it underflowed to 0); `n/a` for null.
 */
export function formatPValue(value: number | null): string {
  if (value === null) return NA;
  if (value >= 0.001) return value.toFixed(3);
  if (value === 0) return "<1e-300";
  return value.toExponential(1);
}

/** A probability as a percentage with 1 decimal, `>99.9%` and `<0.1%` at the ends. */
export function formatChance(chance: number | null): string {
  if (chance === null) return NA;
  if (chance > 0.999) return ">99.9%";
  if (chance < 0.001) return "<0.1%";
  return `${(chance * 100).toFixed(1)}%`;
}

// --- Internal helpers ---

const NUMBER = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });
const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
