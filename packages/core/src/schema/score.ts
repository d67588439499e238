import * as z from "zod";
import { keySchema } from "./common.js";
import { eventValueSchema } from "./event.js";

/** How many scores one log keeps; a score past it is refused (`validation_failed`). */
export const MAX_SCORES_PER_LOG = 100;

/**
 * A score attached to an execution after the fact: an LLM judge's grade, a human's thumbs.
 * Exactly once per (log, `idempotencyKey`); without a key, once per (log, `name`).
 */
export const scoreInputSchema = z.strictObject({
  logId: z.string().min(1).max(64),
  /** The metric the score counts in (`judge`, `thumbs_up`). */
  name: keySchema,
  value: eventValueSchema,
  /** Who scored: `llm-judge`, `human`, a model name. Free text, kept with the score. */
  source: z.string().min(1).max(128).optional(),
  /** Repeats of a key are no-ops; the default is the score's `name`. */
  idempotencyKey: z.string().min(1).max(256).optional(),
});
export type ScoreInput = z.input<typeof scoreInputSchema>;

/** A stored score. Its log's experiment and variant are copied so stores need no lookup. */
export interface ScoreRecord {
  projectId: string;
  experimentId: string;
  logId: string;
  variantKey: string;
  /** The score's idempotency key within its log (its `name` when none was given). */
  key: string;
  name: string;
  value: number;
  source: string | null;
  createdAt: string;
}
