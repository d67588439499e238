import * as z from "zod";
import { finiteNumberSchema, keySchema, timestampSchema } from "./common.js";

/** The most events one `track` call accepts. */
export const MAX_EVENT_BATCH = 1000;

/** One event as the app sends it (seed 000's track body). */
export const eventInputSchema = z.strictObject({
  entityId: z.string().min(1).max(256),
  metricName: keySchema,
  /** 1 when omitted (a count); must be finite. */
  value: finiteNumberSchema.default(1),
  /** Repeats with the same key (in this project) are counted once. */
  idempotencyKey: z.string().min(1).max(256).optional(),
  timestamp: timestampSchema.optional(),
});

export const eventBatchSchema = z
  .array(eventInputSchema)
  .max(MAX_EVENT_BATCH, `at most ${MAX_EVENT_BATCH} events per batch`);

export type EventInput = z.input<typeof eventInputSchema>;

/**
 * An event as the store applies it: the core has resolved defaults and the experiments
 * (running ones, or the one named) the event may count in.
 */
export interface EventRecord {
  id: string;
  entityId: string;
  metricName: string;
  value: number;
  idempotencyKey: string | null;
  timestamp: string;
  /** Experiments to attribute to, for each one in which the entity has an assignment. */
  experimentIds: string[];
  /**
   * experimentId -> other metrics whose per-entity totals this event's value multiplies into
   * `crossProducts` (ratio metrics). The event's own metric, if listed, is ignored.
   */
  crossMetrics?: Record<string, string[]> | undefined;
}
