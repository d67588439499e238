import * as z from "zod";
import { jsonSchema, keySchema } from "./common.js";
import { eventValueSchema } from "./event.js";

/** One execution of a variant (seed 001's log body). */
export const logInputSchema = z.strictObject({
  variantKey: keySchema,
  input: jsonSchema.optional(),
  output: jsonSchema.optional(),
  /**
   * Numeric measurements of the run: latency, tokens, cost, rating. Bounded as event values
   * are (`MAX_EVENT_VALUE`), so the per-variant sums stay finite.
   */
  metrics: z.record(keySchema, eventValueSchema).default({}),
  context: jsonSchema.optional(),
});
export type LogInput = z.input<typeof logInputSchema>;

/** A stored execution log (`log_<ULID>` ids sort by time). */
export interface LogRecord {
  id: string;
  projectId: string;
  experimentId: string;
  variantKey: string;
  input: unknown;
  output: unknown;
  metrics: Record<string, number>;
  context: unknown;
  createdAt: string;
}
