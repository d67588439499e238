import {
  type AssignmentRecord,
  type EventRecord,
  type ExperimentAggregates,
  MAX_SLICE_VALUES,
  type MetricAggregate,
  newId,
} from "@abkit/core";
import { expect } from "vitest";
import type { PlannerStream } from "./plannerStreams.js";

/**
 * Checks that, in each dimension, the slices add up to the whole: per variant, slice
 * exposures to the exposures and slice metric aggregates to the metric's aggregate. Holds
 * for an experiment whose every assignment carried the dimensions.
 *
 * @example
 * expectSlicesAddUp(await store.readAggregates("p", "e"), ["country"], "p/e");
 */
export function expectSlicesAddUp(
  aggregates: ExperimentAggregates,
  dimensions: readonly string[],
  at: string,
): void {
  for (const dimension of dimensions) {
    const slices = Object.values(aggregates.slices[dimension] ?? {});
    const exposures: Record<string, number> = {};
    const metrics: Record<string, Record<string, MetricAggregate>> = {};
    for (const slice of slices) {
      for (const [variant, n] of Object.entries(slice.exposures)) {
        exposures[variant] = (exposures[variant] ?? 0) + n;
      }
      for (const [metric, variants] of Object.entries(slice.metrics)) {
        for (const [variant, aggregate] of Object.entries(variants)) {
          const byVariant = metrics[metric] ?? {};
          metrics[metric] = byVariant;
          const sum = byVariant[variant] ?? { events: 0, sum: 0, sumSquares: 0, entities: 0 };
          byVariant[variant] = sum;
          sum.events += aggregate.events;
          sum.sum += aggregate.sum;
          sum.sumSquares += aggregate.sumSquares;
          sum.entities += aggregate.entities;
        }
      }
    }
    expect(exposures, `${at}: ${dimension} slices' exposures`).toEqual(aggregates.exposures);
    expect(metrics, `${at}: ${dimension} slices' metrics`).toEqual(aggregates.metrics);
  }
}

/**
 * A stream that crosses `MAX_SLICE_VALUES` values of one dimension over two calls: entities
 * 0-149 bring values 0-149, entities 150-269 values 100-219 and entities 270-279 none, then
 * every entity sends one event. Values 0-199 keep their slices; the entities with values
 * 200-219 count under `other`: `otherEntities` (20) of them.
 */
export function sliceCapStream(): { stream: PlannerStream; otherEntities: number } {
  const projectId = "planner-slices";
  const experimentId = "exp-slices";
  const entities = Array.from({ length: 280 }, (_, i) => `u${i}`);
  const record = (i: number, value: string | null): AssignmentRecord => ({
    projectId,
    experimentId,
    entityId: entities[i]!,
    variantKey: i % 2 === 0 ? "control" : "treatment",
    assignedAt: "2026-03-01T10:00:00.000Z",
    dimensions: { country: value, device: i % 3 === 0 ? "ios" : "android" },
  });
  const first = entities.slice(0, 150).map((_, i) => record(i, `c${i}`));
  const second = [
    ...Array.from({ length: 120 }, (_, j) => record(150 + j, `c${100 + j}`)),
    ...Array.from({ length: 10 }, (_, j) => record(270 + j, null)),
  ];
  const otherEntities = second.filter((r) => {
    const n = Number(r.dimensions?.country?.slice(1) ?? "-1");
    return n >= MAX_SLICE_VALUES;
  }).length;
  const events: EventRecord[] = entities.map((entityId, i) => ({
    id: newId("evt"),
    entityId,
    metricName: "tokens",
    value: (i % 7) / 4,
    idempotencyKey: null,
    timestamp: "2026-03-01T11:00:00.000Z",
    experimentIds: [experimentId],
  }));
  return {
    stream: {
      steps: [
        { kind: "assign", records: first },
        { kind: "assign", records: second },
        { kind: "events", projectId, events },
      ],
      projects: [projectId],
      experiments: [experimentId],
      entities,
      metrics: ["tokens"],
      days: ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"],
    },
    otherEntities,
  };
}
