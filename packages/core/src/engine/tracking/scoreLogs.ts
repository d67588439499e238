import { createHash } from "node:crypto";
import * as z from "zod";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { keySchema } from "../../schema/common.js";
import type { LogRecord } from "../../schema/log.js";
import { parseInput } from "../../schema/parse.js";
import {
  MAX_SCORES_PER_LOG,
  type ScoreInput,
  type ScoreRecord,
  scoreInputSchema,
} from "../../schema/score.js";
import type { EngineContext } from "../context.js";
import { experimentEvent } from "./experimentEvent.js";
import { retryStoreWrite } from "./storeRetry.js";

/** The most scores one `scoreBatch` call takes. */
export const MAX_SCORE_BATCH = 500;

/** What `score` returns: the score stored under its key and whether this call stored it. */
export interface ScoreResult {
  logId: string;
  /** The score's key within its log: its `idempotencyKey`, else its `name`. */
  key: string;
  /** False for a repeat of the key: `score` is then the first one, unchanged. */
  created: boolean;
  score: ScoreRecord;
}

/** Options of `score` and `scoreBatch`. */
export interface ScoreOptions {
  /** Accept only logs of this experiment (key): a log of another one is `not_found`. */
  experimentKey?: string;
}

/**
 * Attaches scores to logs, each exactly once per (log, key), in input order. Every input is
 * checked (shape, log found, room under `MAX_SCORES_PER_LOG`) before the first is written.
 * Per score: `attachScore` (the first writer of a key wins), then, when the log names an
 * entity, one event of the STORED score in the log's experiment (key
 * `score:<logId>:<key>`), also on a repeat: a caller retrying after a failed second step
 * counts it exactly once. Both steps are retried in-process on a store blip. Logs of a
 * stopped experiment still take scores (judges are late).
 */
export async function scoreLogs(
  ctx: EngineContext,
  inputs: readonly ScoreInput[],
  options: ScoreOptions = {},
): Promise<ScoreResult[]> {
  ctx.assertOpen();
  const parsed = parseInput(batchSchema, inputs, "scores");
  const defs = await ctx.definitions.get();
  const scope = parseInput(optionsSchema, options, "score options").experimentKey;
  const scopeId = scope === undefined ? undefined : defs.experimentsByKey.get(scope)?.experiment.id;
  if (scope !== undefined && scopeId === undefined) throw new NotFoundError("experiment", scope);
  const logs = new Map<string, LogRecord>();
  for (const logId of new Set(parsed.map((score) => score.logId))) {
    const log = await ctx.store.getLog(ctx.projectId, logId);
    if (!log || (scopeId !== undefined && log.experimentId !== scopeId)) {
      throw new NotFoundError("log", logId);
    }
    logs.set(logId, log);
  }
  checkRoom(parsed, logs);
  const results: ScoreResult[] = [];
  for (const input of parsed) {
    results.push(await scoreOne(ctx, logs.get(input.logId)!, input));
  }
  return results;
}

// --- Internal helpers ---

type ParsedScore = z.output<typeof scoreInputSchema>;

const batchSchema = z.array(scoreInputSchema).max(MAX_SCORE_BATCH);
const optionsSchema = z.strictObject({ experimentKey: keySchema.optional() });

async function scoreOne(
  ctx: EngineContext,
  log: LogRecord,
  input: ParsedScore,
): Promise<ScoreResult> {
  const key = input.idempotencyKey ?? input.name;
  const attached = await retryStoreWrite(() =>
    ctx.store.attachScore({
      projectId: ctx.projectId,
      experimentId: log.experimentId,
      logId: log.id,
      variantKey: log.variantKey,
      key,
      name: input.name,
      value: input.value,
      source: input.source ?? null,
      createdAt: new Date().toISOString(),
    }),
  );
  if (!attached) throw new NotFoundError("log", log.id);
  if (log.entityId) await countForEntity(ctx, log.entityId, attached.score);
  return { logId: log.id, key, created: attached.created, score: attached.score };
}

// The stored score as one event of the log's entity in the log's experiment.
async function countForEntity(
  ctx: EngineContext,
  entityId: string,
  score: ScoreRecord,
): Promise<void> {
  const defs = await ctx.definitions.get();
  const experiment = defs.experimentsById.get(score.experimentId)?.experiment;
  if (!experiment) return; // deleted since the log was written: nowhere left to count
  await ctx.assignments.flush();
  const event = experimentEvent(defs, experiment, {
    entityId,
    metricName: score.name,
    value: score.value,
    idempotencyKey: scoreEventKey(score.logId, score.key),
    timestamp: score.createdAt,
  });
  await retryStoreWrite(() => ctx.store.applyEvents(ctx.projectId, [event]));
}

// Event keys hold at most 256 characters: a long score key is hashed.
function scoreEventKey(logId: string, key: string): string {
  const plain = `score:${logId}:${key}`;
  if (plain.length <= 256) return plain;
  return `score:${logId}:#${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

// New keys per log, counted with the batch's own, must fit under MAX_SCORES_PER_LOG.
function checkRoom(scores: ParsedScore[], logs: Map<string, LogRecord>): void {
  const keys = new Map<string, Set<string>>();
  scores.forEach((score, index) => {
    const log = logs.get(score.logId)!;
    let held = keys.get(log.id);
    if (!held) {
      held = new Set((log.scores ?? []).map((stored) => stored.key));
      keys.set(log.id, held);
    }
    held.add(score.idempotencyKey ?? score.name);
    if (held.size > MAX_SCORES_PER_LOG) {
      throw ValidationError.field(
        [index, "logId"],
        `log "${log.id}" holds its limit of ${MAX_SCORES_PER_LOG} scores`,
        "scores",
      );
    }
  });
}
