// An event counted in one experiment only (a conversion, a log's metric, a score), with what
// that experiment declares of its metric: ratio partners, caps, and whether it is declared.
import { newId } from "../../ids.js";
import type { EventRecord } from "../../schema/event.js";
import type { Experiment } from "../../schema/experiment.js";
import type { CompiledDefinitions } from "../evaluation/compile.js";
import { experimentCaps } from "./caps.js";

/** The fields of an event that the caller decides. */
export interface ExperimentEventFields {
  entityId: string;
  metricName: string;
  value: number;
  idempotencyKey: string;
  timestamp: string;
}

/**
 * The record of an event that counts in `experiment` only (when its entity is assigned
 * there), carrying that experiment's ratio partners and caps of the metric, and
 * `undeclaredIn` when the experiment does not list the metric.
 *
 * @example
 * experimentEvent(defs, experiment, { entityId: "u1", metricName: "cost", value: 0.02,
 *   idempotencyKey: "log:log_01…:cost", timestamp: log.createdAt });
 */
export function experimentEvent(
  defs: CompiledDefinitions,
  experiment: Experiment,
  fields: ExperimentEventFields,
): EventRecord {
  return {
    id: newId("evt"),
    ...fields,
    experimentIds: [experiment.id],
    ...crossMetricsEntry(defs, experiment.id, fields.metricName),
    ...(declares(experiment, fields.metricName) ? {} : { undeclaredIn: [experiment.id] }),
    ...capsEntry(defs, experiment.id, fields.metricName),
  };
}

// --- Internal helpers ---

function declares(experiment: Experiment, metricName: string): boolean {
  return experiment.metrics.some(
    (metric) =>
      metric.name === metricName ||
      metric.numerator === metricName ||
      metric.denominator === metricName,
  );
}

// The event counts in one experiment: its ratio partners there, if any.
function crossMetricsEntry(defs: CompiledDefinitions, experimentId: string, metricName: string) {
  const partners = defs.experimentsById.get(experimentId)?.crossPartners.get(metricName);
  return partners ? { crossMetrics: { [experimentId]: partners } } : {};
}

// The event counts in one experiment: its caps there, if any.
function capsEntry(defs: CompiledDefinitions, experimentId: string, metricName: string) {
  const entry = defs.experimentsById.get(experimentId);
  const caps = entry && experimentCaps(entry, metricName);
  return caps ? { caps } : {};
}
