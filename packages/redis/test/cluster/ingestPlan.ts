import type { EventRecord } from "@abkit/core";

/** What an ingest child (`ingestChild.ts`) is told to do, as JSON in its first argument. */
export interface IngestPlan {
  url: string;
  prefix: string;
  projectId: string;
  experimentId: string;
  timeoutMs: number;
  waitReplicas: number;
  batches: number;
}

/** One batch's outcome: acknowledged, or rejected with an error code (in doubt). */
export type IngestLine =
  | { batch: number; ok: true; at: number }
  | { batch: number; ok: false; code: string; message: string; at: number }
  | { done: true };

export const EVENTS_PER_BATCH = 3;
export const EVENT_DAY = "2025-01-15";

/**
 * The events of batch `b`: EVENTS_PER_BATCH events of entity `b<b>`, value 1, with no
 * idempotency key, so a batch applied twice shows as twice its total.
 */
export function batchEvents(plan: IngestPlan, b: number): EventRecord[] {
  return Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
    id: `evt_b${b}_${i}`,
    entityId: `b${b}`,
    metricName: "tokens",
    value: 1,
    idempotencyKey: null,
    timestamp: `${EVENT_DAY}T12:00:00.000Z`,
    experimentIds: [plan.experimentId],
  }));
}
