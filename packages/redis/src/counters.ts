/**
 * The scripts' hashes read as the core's counters (`counterId` in @abkit/core), so that
 * `aggregatesFromCounters` and `logSummariesFromCounters` build the results. Hash fields
 * join their parts with NUL, which names and days never hold; counter ids join them with
 * `/`, which they never hold either.
 */

const NUL = "\u0000";

/** The hashes `readAggregates` reads, as the scripts write them. */
export interface AggregateHashes {
  /** variant -> count */
  exposures: Record<string, string>;
  /** `day NUL variant` -> count */
  exposuresByDay: Record<string, string>;
  /** `metric NUL variant NUL stat` -> number */
  metrics: Record<string, string>;
  /** `covariate NUL variant NUL stat` -> number */
  covariates: Record<string, string>;
  /**
   * `x NUL metric NUL covariate NUL variant NUL stat`, `c NUL A NUL B NUL variant`,
   * `d NUL metric NUL day NUL variant`, `m NUL metric NUL day NUL variant NUL stat` -> number
   */
  products: Record<string, string>;
  /**
   * `e NUL dimension NUL slice NUL variant` (exposures), `m NUL dimension NUL slice NUL
   * metric NUL variant NUL stat` -> number; `v` and `k` fields (the values kept, for the
   * cap) are no counters.
   */
  slices: Record<string, string>;
}

/** The products hash's field kinds as counter families (own keys only). */
const PRODUCT_FAMILIES: Record<string, string | undefined> = Object.assign(Object.create(null), {
  x: "covariateProduct",
  c: "crossProduct",
  d: "eventsByDay",
  m: "metricByDay",
});

/** The slices hash's counter field kinds as counter families (own keys only). */
const SLICE_FAMILIES: Record<string, string | undefined> = Object.assign(Object.create(null), {
  e: "sliceExposures",
  m: "sliceMetric",
});

/**
 * An experiment's aggregate hashes as counter entries.
 *
 * @example
 * aggregateCounters({ ...empty, exposures: { A: "3" } }); // [["exposures/A", 3]]
 */
export function aggregateCounters(hashes: AggregateHashes): [string, number][] {
  const counters: [string, number][] = [];
  const add = (family: string, hash: Record<string, string>) => {
    for (const [field, value] of Object.entries(hash)) {
      counters.push([`${family}/${field.replaceAll(NUL, "/")}`, Number(value)]);
    }
  };
  add("exposures", hashes.exposures);
  add("exposuresByDay", hashes.exposuresByDay);
  add("metric", hashes.metrics);
  add("covariate", hashes.covariates);
  for (const [field, value] of Object.entries(hashes.products)) {
    const [kind, ...parts] = field.split(NUL);
    const family = PRODUCT_FAMILIES[kind ?? ""];
    if (family !== undefined) counters.push([`${family}/${parts.join("/")}`, Number(value)]);
  }
  for (const [field, value] of Object.entries(hashes.slices)) {
    const [kind, ...parts] = field.split(NUL);
    const family = SLICE_FAMILIES[kind ?? ""];
    if (family !== undefined) counters.push([`${family}/${parts.join("/")}`, Number(value)]);
  }
  return counters;
}

/**
 * An experiment's log summaries hash (`variant NUL metric NUL <LogField>|b:<bucket>`) as
 * counter entries.
 *
 * @example
 * logCounters({ "A\0latency\0b:p241": "2" }); // [["log/A/latency/bucket/p241", 2]]
 */
export function logCounters(hash: Record<string, string>): [string, number][] {
  return Object.entries(hash).map(([field, value]) => {
    const [variant, metric, stat = ""] = field.split(NUL);
    const counter = stat.startsWith("b:") ? `bucket/${stat.slice(2)}` : stat;
    return [`log/${variant}/${metric}/${counter}`, Number(value)];
  });
}

/**
 * A log summary counter id (`log/variant/metric/<LogField>` or `.../bucket/<id>`) as the
 * field of the summaries hash that holds it: `logCounters` read backwards.
 *
 * @example
 * logSummaryField("log/A/latency/bucket/p241"); // "A\0latency\0b:p241"
 */
export function logSummaryField(counter: string): string {
  const [, variant, metric, stat = "", bucket] = counter.split("/");
  return [variant, metric, stat === "bucket" ? `b:${bucket}` : stat].join(NUL);
}
