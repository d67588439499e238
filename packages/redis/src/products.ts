import { crossPair, crossPartners, type EventRecord, sliceKey } from "@abkit/core";

/**
 * How the CUPED and ratio-metric data go into the scripts: covariates and partner lists
 * encoded as arguments (`counters.ts` reads back what the scripts write). Names are slugs
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
