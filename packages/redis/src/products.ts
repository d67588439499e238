import {
  crossPair,
  crossPartners,
  type EventRecord,
  type ExperimentAggregates,
  ownEntry,
} from "@abkit/core";

/**
 * How the CUPED and ratio-metric data cross the script boundary: covariates and partner
 * lists encoded for the Lua scripts, and the hashes they write decoded for readAggregates.
 * Names are slugs (checked by the core helpers), so NUL and \x01 never occur in them.
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
 * Decodes the covariates hash (`name NUL variant NUL stat`) and the products hash
 * (`x NUL metric NUL covariate NUL variant NUL stat`, `c NUL A1 NUL A2 NUL variant`).
 */
export function readProducts(
  covariateFields: Record<string, string>,
  productFields: Record<string, string>,
): Pick<ExperimentAggregates, "covariates" | "covariateProducts" | "crossProducts"> {
  const result: ReturnType<typeof readProducts> = {
    covariates: {},
    covariateProducts: {},
    crossProducts: {},
  };
  for (const [field, value] of Object.entries(covariateFields)) {
    const [name = "", variant = "", stat = ""] = field.split(NUL);
    const aggregate = ownEntry(
      ownEntry(result.covariates, name, () => ({})),
      variant,
      () => ({
        entities: 0,
        sum: 0,
        sumSquares: 0,
      }),
    );
    if (stat === "entities" || stat === "sum" || stat === "sumSquares")
      aggregate[stat] = Number(value);
  }
  for (const [field, value] of Object.entries(productFields)) {
    const [kind, first = "", second = "", third = "", stat = ""] = field.split(NUL);
    if (kind === "x") {
      const byCovariate = ownEntry(result.covariateProducts, first, () => ({}));
      const product = ownEntry(
        ownEntry(byCovariate, second, () => ({})),
        third,
        () => ({
          sumXY: 0,
          sumXWithEvent: 0,
        }),
      );
      if (stat === "sumXY" || stat === "sumXWithEvent") product[stat] = Number(value);
    } else if (kind === "c") {
      const byA2 = ownEntry(result.crossProducts, first, () => ({}));
      ownEntry(
        ownEntry(byA2, second, () => ({})),
        third,
        () => Number(value),
      );
    }
  }
  return result;
}
