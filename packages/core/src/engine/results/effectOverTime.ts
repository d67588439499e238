// A metric's cumulative effect day by day: the aggregates as of the end of each UTC day, summed
// from per-day counters (`exposuresByDay`, `metricsByDay`, `eventsByDay`), compared the way the
// main results compare the whole experiment, on the always-valid interval.
import type { Metric, MetricDirection } from "../../schema/experiment.js";
import { emptyAggregates } from "../../store/aggregates.js";
import { dayTime } from "../../store/days.js";
import type { ExperimentAggregates, MetricAggregate } from "../../store.js";
import { metricVariants } from "./comparisons.js";
import { metricRows } from "./metricRows.js";
import { MAX_EXPOSURE_DAYS } from "./overTime.js";
import type { EffectDay } from "./resultTypes.js";

/** What `effectOverTime` reads of the aggregates. */
export type DailyAggregates = Pick<
  ExperimentAggregates,
  "exposuresByDay" | "metricsByDay" | "eventsByDay"
>;

/**
 * One entry per UTC day, ascending and without gaps, from the first to the last day with an
 * exposure or a dated event of the metric (at most the last `MAX_EXPOSURE_DAYS`; earlier
 * days still count in the first entry): each variant's users and value through that day and,
 * for each treatment, its effect against the control (`variantKeys[0]`) with the always-valid
 * interval, as `metricVariants` computes them for the whole experiment (without CUPED, whose
 * covariate sums are not kept by day). An entity whose first event is dated before its
 * exposure counts as a user from that event's day. `intervals: false` (a bandit) keeps the estimates and
 * drops the intervals. `[]` for a ratio metric, or without exposures and dated events.
 *
 * @example
 * effectOverTime({ name: "clicks", kind: "count", direction: "higher" }, ["A", "B"], aggregates, 0.05);
 * // [{ date: "2026-03-01", variants: [{ variantKey: "A", users: 10, value: 0.4, absolute: null }, ...] }]
 */
export function effectOverTime(
  metric: Pick<Metric, "name" | "kind"> & { direction: MetricDirection },
  variantKeys: readonly string[],
  aggregates: DailyAggregates,
  alpha: number,
  options: { intervals?: boolean } = {},
): EffectDay[] {
  if (metric.kind === "ratio") return [];
  const metricDays = own(aggregates.metricsByDay, metric.name) ?? {};
  const eventDays = own(aggregates.eventsByDay, metric.name) ?? {};
  const times = [
    ...new Set([...Object.keys(aggregates.exposuresByDay), ...Object.keys(metricDays)]),
  ]
    .map(dayTime)
    .filter((time): time is number => time !== null)
    .sort((a, b) => a - b);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined) return [];
  // A clock set years wrong must not make the series unbounded (as in `dailySeries`).
  const from = Math.max(first, last - (MAX_EXPOSURE_DAYS - 1) * DAY_MS);
  const running = new Map(variantKeys.map((key) => [key, { users: 0, ...zero() }]));
  const addDay = (date: string) => {
    for (const key of variantKeys) {
      const cell = running.get(key)!;
      cell.users += count(own(aggregates.exposuresByDay, date), key);
      const day = own(own(metricDays, date) ?? {}, key);
      cell.sum += day?.sum ?? 0;
      cell.sumSquares += day?.sumSquares ?? 0;
      cell.entities += day?.entities ?? 0;
      cell.events += count(own(eventDays, date), key);
    }
  };
  for (const time of times.filter((day) => day < from)) addDay(isoDay(time));
  const compared = { kind: metric.kind, direction: metric.direction };
  const series: EffectDay[] = [];
  for (let time = from; time <= last; time += DAY_MS) {
    const date = isoDay(time);
    addDay(date);
    const rows = metricRows(
      { name: metric.name, kind: metric.kind },
      variantKeys.map((key) => ({ key, users: usersThrough(running.get(key)!) })),
      cumulativeAggregates(metric.name, running),
    );
    const variants = metricVariants(compared, rows, alpha, { bayesian: false }).map((variant) => ({
      variantKey: variant.variantKey,
      users: variant.users,
      value: variant.value,
      absolute: variant.comparison && {
        estimate: variant.comparison.absolute.estimate,
        ci: options.intervals === false ? null : (variant.comparison.sequential?.ci ?? null),
      },
    }));
    series.push({ date, variants });
  }
  return series;
}

// --- Internal helpers ---

const DAY_MS = 86_400_000;

const zero = (): MetricAggregate => ({ events: 0, sum: 0, sumSquares: 0, entities: 0 });

// The running sums as the aggregates `metricRows` reads for the whole experiment.
function cumulativeAggregates(
  name: string,
  running: ReadonlyMap<string, MetricAggregate & { users: number }>,
): ExperimentAggregates {
  const aggregates = emptyAggregates();
  // fromEntries defines own properties: no variant key can reach the prototype.
  aggregates.metrics = {
    [name]: Object.fromEntries(
      [...running].map(([key, { events, sum, sumSquares, entities }]) => [
        key,
        { events, sum, sumSquares, entities },
      ]),
    ),
  };
  return aggregates;
}

// An entity with an event dated before its exposure (a client's timestamp, a skewed clock)
// was exposed by then: it counts as a user from that day on, so rates stay within [0, 1].
function usersThrough(cell: MetricAggregate & { users: number }): number {
  return Math.max(cell.users, cell.entities);
}

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

// Own properties only: a metric, day or variant named `constructor` must not read the prototype.
function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

function count(variants: Record<string, number> | undefined, key: string): number {
  const value = own(variants, key);
  return typeof value === "number" && value > 0 ? value : 0;
}
