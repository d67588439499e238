// Daily series for "over time" charts: exposures per experiment, counted events per metric,
// both from per-day counters (UTC day -> variant -> count).

/** UTC day (`YYYY-MM-DD`) -> variant -> count. */
type ByDay = Record<string, Record<string, number>>;

/** One UTC day of an experiment's exposures, for an "exposures over time" chart. */
export interface ExposureDay {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  /** variant -> entities first assigned to it that day. */
  exposures: Record<string, number>;
  /** variant -> entities assigned to it from the first day through this one. */
  cumulative: Record<string, number>;
}

/** One UTC day of a metric's counted events, for an "events over time" chart. */
export interface EventDay {
  /** The UTC day of the events' time, `YYYY-MM-DD`. */
  date: string;
  /** variant -> events of the metric counted that day. */
  events: Record<string, number>;
  /** variant -> events counted from the first day through this one. */
  cumulative: Record<string, number>;
}

/**
 * Daily exposures of `variantKeys` (see `dailySeries`).
 *
 * @example
 * exposuresOverTime(["A", "B"], { "2026-01-01": { A: 2 }, "2026-01-03": { B: 1 } });
 * // [{ date: "2026-01-01", exposures: { A: 2, B: 0 }, cumulative: { A: 2, B: 0 } },
 * //  { date: "2026-01-02", exposures: { A: 0, B: 0 }, cumulative: { A: 2, B: 0 } },
 * //  { date: "2026-01-03", exposures: { A: 0, B: 1 }, cumulative: { A: 2, B: 1 } }]
 */
export function exposuresOverTime(variantKeys: readonly string[], byDay: ByDay): ExposureDay[] {
  return dailySeries(variantKeys, byDay).map(({ date, counts, cumulative }) => ({
    date,
    exposures: counts,
    cumulative,
  }));
}

/**
 * Daily counted events of one metric for `variantKeys` (see `dailySeries`).
 *
 * @example
 * eventsOverTime(["A"], { "2026-01-01": { A: 3 } });
 * // [{ date: "2026-01-01", events: { A: 3 }, cumulative: { A: 3 } }]
 */
export function eventsOverTime(variantKeys: readonly string[], byDay: ByDay): EventDay[] {
  return dailySeries(variantKeys, byDay).map(({ date, counts, cumulative }) => ({
    date,
    events: counts,
    cumulative,
  }));
}

/**
 * Daily counts of `variantKeys`, ascending, one entry per UTC day from the first to the
 * last day with a count: days without any are filled with zeros, so a chart has no
 * gaps. Every variant key is in both maps (0 where none). Empty without counts. At most
 * the last `MAX_EXPOSURE_DAYS` days are listed; `cumulative` still counts the earlier ones.
 */
function dailySeries(
  variantKeys: readonly string[],
  byDay: ByDay,
): { date: string; counts: Record<string, number>; cumulative: Record<string, number> }[] {
  const days = Object.keys(byDay)
    .filter((day) => variantKeys.some((key) => countOf(byDay, day, key) > 0))
    .map(dayStart)
    .filter((time): time is number => time !== null)
    .sort((a, b) => a - b);
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) return [];
  // A clock set years wrong must not make the series (and the response) unbounded.
  const from = Math.max(first, last - (MAX_EXPOSURE_DAYS - 1) * DAY_MS);
  const running = new Map<string, number>();
  for (const time of days.filter((day) => day < from)) {
    const date = new Date(time).toISOString().slice(0, 10);
    for (const key of variantKeys) {
      running.set(key, (running.get(key) ?? 0) + countOf(byDay, date, key));
    }
  }
  const series: ReturnType<typeof dailySeries> = [];
  for (let time = from; time <= last; time += DAY_MS) {
    const date = new Date(time).toISOString().slice(0, 10);
    const counts = variantKeys.map((key) => countOf(byDay, date, key));
    variantKeys.forEach((key, i) => {
      running.set(key, (running.get(key) ?? 0) + counts[i]!);
    });
    // fromEntries defines own properties: no variant key can reach the prototype.
    series.push({
      date,
      counts: Object.fromEntries(variantKeys.map((key, i) => [key, counts[i]!])),
      cumulative: Object.fromEntries(variantKeys.map((key) => [key, running.get(key) ?? 0])),
    });
  }
  return series;
}

/** The most days a daily series lists: about ten years. */
export const MAX_EXPOSURE_DAYS = 3660;

// --- Internal helpers ---

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

// Midnight UTC of a `YYYY-MM-DD` key, or null for anything else (Date.parse alone would
// roll "2026-02-30" over into March).
function dayStart(day: string): number | null {
  if (!DAY.test(day)) return null;
  const time = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().startsWith(day) ? time : null;
}

// Own properties only: a variant named `constructor` must not read the prototype's.
function countOf(byDay: ByDay, day: string, key: string): number {
  const variants = Object.hasOwn(byDay, day) ? byDay[day] : undefined;
  const count = variants && Object.hasOwn(variants, key) ? variants[key] : undefined;
  return typeof count === "number" && count > 0 ? count : 0;
}
