import * as z from "zod";
import { finiteNumberSchema, keySchema, timestampSchema } from "./common.js";

/**
 * How many metrics (declared or not) an experiment keeps aggregates of before it stops
 * taking metrics it does not declare: an event of a new undeclared metric then counts in none
 * of its results (it is still kept), so junk metric names cannot grow an experiment's results
 * or stored aggregates without bound. Declared metrics (at most 100) always count.
 */
export const MAX_AGGREGATED_METRICS = 200;

/** The most events one `track` call accepts. */
export const MAX_EVENT_BATCH = 1000;

/**
 * The largest magnitude an event value may have (a trillion). Bounding values keeps every
 * aggregate finite: an entity's running total stays below `events × 1e12`, so its square, and
 * the sums of squares and products built from it, could overflow only after some 1e140
 * events. A larger value is refused with `validation_failed`.
 */
export const MAX_EVENT_VALUE = 1e12;

/**
 * The largest magnitude a CUPED covariate (an entity property, or a pre-period total) may
 * have to be kept: its square and its products with running totals then stay finite. The
 * engine drops a larger property as if missing; stores refuse it.
 */
export const MAX_COVARIATE_VALUE = 1e100;

/** An event value: finite, `|value| <= MAX_EVENT_VALUE`. */
export const eventValueSchema = finiteNumberSchema.refine(
  (value) => Math.abs(value) <= MAX_EVENT_VALUE,
  `must be between -${MAX_EVENT_VALUE} and ${MAX_EVENT_VALUE}`,
);

/** One event as the app sends it (seed 000's track body). */
export const eventInputSchema = z.strictObject({
  entityId: z.string().min(1).max(256),
  metricName: keySchema,
  /** 1 when omitted (a count); finite, at most `MAX_EVENT_VALUE` in magnitude. */
  value: eventValueSchema.default(1),
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
  /**
   * Experiments of `experimentIds` that do not declare this metric. In each, the store starts
   * aggregating a metric it has no aggregates of only while the experiment has aggregates of
   * fewer than `MAX_AGGREGATED_METRICS` metrics; otherwise the event counts nowhere there.
   */
  undeclaredIn?: string[] | undefined;
  /**
   * experimentId -> metric -> cap (capping, see `Metric.cap`): for this event's metric and
   * its `crossMetrics` partners in that experiment, the most an entity's running total counts
   * as in the aggregates (`min(total, cap)`; the running total itself stays raw). Positive,
   * at most `MAX_EVENT_VALUE`. A metric without an entry is not capped.
   */
  caps?: Record<string, Record<string, number>> | undefined;
}
