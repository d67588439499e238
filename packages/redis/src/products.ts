import { crossPair, crossPartners, type EventRecord, metricCap, sliceKey } from "@abkit/core";

/**
 * How the CUPED, ratio-metric and capping data go into the scripts: covariates, partner lists
 * and caps encoded as arguments (`counters.ts` reads back what the scripts write). Names are slugs
 * (checked by the core helpers), so NUL and \x01 never occur in them.
 */

const NUL = "\u0000";
const LIST = "\u0001";

/**
 * A new assignment's covariates as the scripts keep them: `name NUL value NUL ...`, values
 * in JavaScript's shortest round-trip form; "" for none.
 *
 * @example
 * encodeCovariates({ x: 1.5, y: 2 }); // "x\0" + "1.5\0y\0" + "2"
 */
export function encodeCovariates(covariates: Record<string, number> | undefined): string {
  return Object.entries(covariates ?? {})
    .flatMap(([name, value]) => [name, String(value)])
    .join(NUL);
}

/**
 * A new assignment's dimensions as recordAssignments takes them: `dimension NUL slice key
 * NUL ...` (`sliceKey` of each value, `none` for null; the script applies the cap), "" for
 * none.
 *
 * @example
 * encodeSlices({ country: "FR", plan: null }); // "country\0vRlI\0plan\0none"
 */
export function encodeSlices(dimensions: Record<string, string | null> | undefined): string {
  return Object.entries(dimensions ?? {})
    .flatMap(([dimension, value]) => [dimension, sliceKey(value)])
    .join(NUL);
}

/**
 * The partners of an event for applyEvents: per experiment of `experimentIds` (in order),
 * its partners joined by NUL, each prefixed `<` when it sorts after the event's metric and
 * `>` when before (the order `crossProducts` keys pairs by); the lists joined by \x01.
 */
export function encodePartners(event: EventRecord): string {
  return event.experimentIds
    .map((experimentId) =>
      crossPartners(event, experimentId)
        .map(
          (partner) =>
            `${crossPair(event.metricName, partner)[0] === event.metricName ? "<" : ">"}${partner}`,
        )
        .join(NUL),
    )
    .join(LIST);
}

/**
 * The caps of an event for applyEvents: per experiment of `experimentIds` (in order), the
 * cap of its own metric, then of each partner in `encodePartners`' order ("" where uncapped),
 * joined by NUL; the lists joined by \x01. "" when the event carries no caps.
 *
 * @example
 * encodeCaps({ ...event, experimentIds: ["e"], caps: { e: { revenue: 100 } } }); // "100"
 */
export function encodeCaps(event: EventRecord): string {
  if (event.caps === undefined) return "";
  const capOf = (experimentId: string, metric: string) => {
    const cap = metricCap(event, experimentId, metric);
    return cap === undefined ? "" : String(cap);
  };
  return event.experimentIds
    .map((experimentId) =>
      [event.metricName, ...crossPartners(event, experimentId)]
        .map((metric) => capOf(experimentId, metric))
        .join(NUL),
    )
    .join(LIST);
}
