import * as z from "zod";
import { jsonSchema, keySchema } from "./common.js";
import { eventValueSchema } from "./event.js";
import type { ScoreRecord } from "./score.js";

/** One execution of a variant (seed 001's log body). */
export const logInputSchema = z.strictObject({
  variantKey: keySchema,
  /**
   * The entity (user) the execution served. With one, the log's numeric metrics and its
   * scores also count as that entity's events in the experiment (the entity unit); without,
   * they count per execution only (see docs/llm.md).
   */
  entityId: z.string().min(1).max(256).optional(),
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
  /** The entity the execution served; null (or absent, for logs stored before) without one. */
  entityId?: string | null;
  input: unknown;
  output: unknown;
  metrics: Record<string, number>;
  context: unknown;
  createdAt: string;
  /**
   * The scores attached to the log, oldest first: filled by `getLog` and `listLogs` (an empty
   * list without scores); never written by `appendLog`.
   */
  scores?: ScoreRecord[];
}
