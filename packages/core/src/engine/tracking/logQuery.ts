import * as z from "zod";
import { finiteNumberSchema, keySchema, timestampSchema } from "../../schema/common.js";
import type { LogRecord } from "../../schema/log.js";

/** The most logs one filtered read examines before it answers with a cursor to continue. */
export const MAX_LOGS_SCANNED = 5000;

/** Paging and filters of `logs()`. */
export interface LogsQueryOptions {
  /** Logs per page: 50 by default, at most 500. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Only this variant's logs. */
  variant?: string;
  /** Only logs created at or after this ISO time. */
  from?: string;
  /** Only logs created at or before this ISO time. */
  to?: string;
  /** Only logs holding a score of this name within `[min, max]` (either bound optional). */
  score?: { name: string; min?: number; max?: number };
  /** Only the logs of this entity. */
  entityId?: string;
  /** How many logs this call may examine: 5,000 by default and at most. */
  scanLimit?: number;
}

/** A page of logs with how much was examined to fill it. */
export interface LogsQueryPage {
  /** Matching logs, newest first. */
  logs: LogRecord[];
  /** Where to continue (older logs remain unexamined), or null when nothing is left. */
  nextCursor: string | null;
  /** Logs examined by this call, matching or not. */
  scanned: number;
  /** True when no older log is left to examine (the history, or `from`, was reached). */
  exhausted: boolean;
}

const scoreFilterSchema = z
  .strictObject({
    name: keySchema,
    min: finiteNumberSchema.optional(),
    max: finiteNumberSchema.optional(),
  })
  .refine((score) => score.min === undefined || score.max === undefined || score.min <= score.max, {
    message: "min must not exceed max",
    path: ["min"],
  });

export const logsQuerySchema = z
  .strictObject({
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(64).optional(),
    variant: keySchema.optional(),
    from: timestampSchema.optional(),
    to: timestampSchema.optional(),
    score: scoreFilterSchema.optional(),
    entityId: z.string().min(1).max(256).optional(),
    scanLimit: z.number().int().min(1).max(MAX_LOGS_SCANNED).default(MAX_LOGS_SCANNED),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
    message: "from must not be after to",
    path: ["from"],
  });

export type LogsQuery = z.output<typeof logsQuerySchema>;

/** True when the query filters on more than time, so most logs read may not match. */
export function narrowsBeyondTime(query: LogsQuery): boolean {
  return query.variant !== undefined || query.score !== undefined || query.entityId !== undefined;
}

/** Whether one log passes every filter of the query. */
export function matchesQuery(log: LogRecord, query: LogsQuery): boolean {
  if (query.variant !== undefined && log.variantKey !== query.variant) return false;
  if (query.entityId !== undefined && log.entityId !== query.entityId) return false;
  const created = Date.parse(log.createdAt);
  if (query.from !== undefined && created < Date.parse(query.from)) return false;
  if (query.to !== undefined && created > Date.parse(query.to)) return false;
  const score = query.score;
  if (score === undefined) return true;
  return (log.scores ?? []).some(
    (held) =>
      held.name === score.name &&
      (score.min === undefined || held.value >= score.min) &&
      (score.max === undefined || held.value <= score.max),
  );
}
