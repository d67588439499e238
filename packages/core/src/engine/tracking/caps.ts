// Capping as events carry it (`EventRecord.caps`): for an event's metric, each experiment's
// cap of that metric and of its ratio partners, whose totals the event multiplies. Built once
// per definitions version, like the other per-metric indexes track attaches.
import type { Experiment } from "../../schema/experiment.js";
import type { CompiledDefinitions, CompiledExperiment } from "../evaluation/compile.js";

/** experimentId -> metric -> cap, as `EventRecord.caps` holds it. */
export type EventCaps = Record<string, Record<string, number>>;

/**
 * The caps an event of `metricName` carries into the running experiments, or undefined
 * when none of them caps it or its partners.
 *
 * @example
 * const caps = runningCaps(defs, "revenue"); // { exp_1: { revenue: 100 } }
 */
export function runningCaps(defs: CompiledDefinitions, metricName: string): EventCaps | undefined {
  let index = indexes.get(defs);
  if (!index) {
    index = capsIndex(
      defs.runningExperimentIds.flatMap((id) => defs.experimentsById.get(id) ?? []),
    );
    indexes.set(defs, index);
  }
  return index.get(metricName);
}

/**
 * The caps an event of `metricName` carries into one experiment (`trackConversion`), or
 * undefined when the experiment caps neither it nor its partners.
 *
 * @example
 * experimentCaps(entry, "revenue"); // { exp_1: { revenue: 100 } }
 */
export function experimentCaps(
  entry: CompiledExperiment,
  metricName: string,
): EventCaps | undefined {
  return capsIndex([entry]).get(metricName);
}

// --- Internal helpers ---

const indexes = new WeakMap<CompiledDefinitions, Map<string, EventCaps>>();

// Event metric -> experiment -> the caps its events need: a capped metric's own events, and
// its ratio partners' events (they multiply its capped total into the cross products).
function capsIndex(entries: readonly CompiledExperiment[]): Map<string, EventCaps> {
  const index = new Map<string, EventCaps>();
  for (const { experiment, crossPartners } of entries) {
    for (const [name, cap] of capsOf(experiment)) {
      for (const eventMetric of [name, ...(crossPartners.get(name) ?? [])]) {
        const byExperiment = index.get(eventMetric) ?? {};
        byExperiment[experiment.id] = { ...byExperiment[experiment.id], [name]: cap };
        index.set(eventMetric, byExperiment);
      }
    }
  }
  return index;
}

function capsOf(experiment: Experiment): [string, number][] {
  return experiment.metrics.flatMap((metric) =>
    metric.cap === undefined ? [] : [[metric.name, metric.cap] as [string, number]],
  );
}
