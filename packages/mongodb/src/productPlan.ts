import { crossPair, crossPartners, type EventRecord } from "@abkit/core";
import { type TotalBefore, totalKey } from "./eventPlan.js";

/**
 * The CUPED and ratio-metric arithmetic of an event batch, free of I/O like eventPlan.ts:
 * what the accepted events add to covariate products and cross products, from the running
 * totals read before the batch.
 */

/** An event's partners in one experiment (resolved by `crossPartners`). */
export interface PartnerList {
  experimentId: string;
  metrics: string[];
}

/** A covariate kept with an assignment; names are values, never field names. */
export interface CovariateEntry {
  name: string;
  value: number;
}

/** An event as a batch document keeps it: partners as a list, experiment ids as values. */
export type EventEntry = Omit<EventRecord, "crossMetrics"> & { partners?: PartnerList[] };

/** What the store knows of an entity's assignment in an experiment. */
export interface AssignmentInfo {
  variantKey: string;
  covariates: CovariateEntry[];
}

/** What a batch adds to one covariate product or cross product counter. */
export interface PlannedCounter {
  key: Record<string, string>;
  inc: Record<string, number>;
}

/** An event's partners per experiment, or undefined when it lists none. */
export function partnersOf(event: EventRecord): PartnerList[] | undefined {
  const lists = event.experimentIds
    .map((experimentId) => ({ experimentId, metrics: crossPartners(event, experimentId) }))
    .filter((list) => list.metrics.length > 0);
  return lists.length > 0 ? lists : undefined;
}

/**
 * Walks the accepted events in order from the totals before the batch (`beforeOf`, keyed by
 * `totalKey`) and returns what they add to `covariateProducts` and `crossProducts`.
 *
 * @example
 * planProducts(projectId, accepted, infoOf, (key) => befores.get(key) ?? { sum: 0, events: 0 });
 */
export function planProducts(
  projectId: string,
  accepted: readonly EventEntry[],
  infoOf: (experimentId: string, entityId: string) => AssignmentInfo | undefined,
  beforeOf: (key: string) => TotalBefore,
): { covariateProducts: PlannedCounter[]; crossProducts: PlannedCounter[] } {
  const running = new Map<string, TotalBefore>();
  const totalOf = (key: string) => {
    let total = running.get(key);
    if (!total) {
      total = { ...beforeOf(key) };
      running.set(key, total);
    }
    return total;
  };
  const covariateProducts = new Map<string, PlannedCounter>();
  const crossProducts = new Map<string, PlannedCounter>();
  for (const event of accepted) {
    const { entityId, metricName, value } = event;
    for (const experimentId of event.experimentIds) {
      const info = infoOf(experimentId, entityId);
      if (!info) continue;
      const { variantKey } = info;
      const own = totalOf(totalKey(experimentId, metricName, entityId));
      for (const { name, value: x } of info.covariates) {
        const key = { projectId, experimentId, metricName, covariate: name, variantKey };
        const counter = counterOf(covariateProducts, key, { sumXY: 0, sumXWithEvent: 0 });
        counter.inc.sumXY! += x * value;
        if (own.events === 0) counter.inc.sumXWithEvent! += x;
      }
      const partners = event.partners?.find((list) => list.experimentId === experimentId);
      for (const partner of partners?.metrics ?? []) {
        const [metricA, metricB] = crossPair(metricName, partner);
        const partnerTotal = totalOf(totalKey(experimentId, partner, entityId));
        const key = { projectId, experimentId, metricA, metricB, variantKey };
        counterOf(crossProducts, key, { sum: 0 }).inc.sum! += value * partnerTotal.sum;
      }
      own.sum += value;
      own.events += 1;
    }
  }
  return {
    covariateProducts: [...covariateProducts.values()],
    crossProducts: [...crossProducts.values()],
  };
}

// --- Internal helpers ---

function counterOf(
  counters: Map<string, PlannedCounter>,
  key: Record<string, string>,
  zero: Record<string, number>,
): PlannedCounter {
  const id = Object.values(key).join("\u0000");
  let counter = counters.get(id);
  if (!counter) {
    counter = { key, inc: { ...zero } };
    counters.set(id, counter);
  }
  return counter;
}
