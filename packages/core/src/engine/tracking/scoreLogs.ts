import { createHash } from "node:crypto";
import * as z from "zod";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { keySchema } from "../../schema/common.js";
import type { EventRecord } from "../../schema/event.js";
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
 * First step, per score: `attachScore` (the first writer of a key wins). Second step, for
 * the whole call: for each score whose log names an entity, one event of the STORED score in
 * the log's experiment (key `score:<logId>:<key>`), repeats included, so a caller retrying
 * after a failed second step counts each score exactly once. Both steps are retried
 * in-process on a store blip. Logs of a stopped experiment still take scores (judges are
 * late). The score limit is checked before writing, so concurrent calls adding new keys to
 * one nearly full log may pass it by a few.
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
  const ids = [...new Set(parsed.map((score) => score.logId))];
  const found = await Promise.all(ids.map((logId) => ctx.store.getLog(ctx.projectId, logId)));
  const logs = new Map<string, LogRecord>();
  ids.forEach((logId, index) => {
    const log = found[index];
    if (!log || (scopeId !== undefined && log.experimentId !== scopeId)) {
      throw new NotFoundError("log", logId);
    }
    logs.set(logId, log);
  });
  checkRoom(parsed, logs);
  const results: ScoreResult[] = [];
  for (const input of parsed) {
    results.push(await attach(ctx, logs.get(input.logId)!, input));
  }
  // Second step, after every score is stored: one write for the batch's entity events.
  await countForEntities(ctx, results, logs);
  return results;
}

// --- Internal helpers ---

type ParsedScore = z.output<typeof scoreInputSchema>;

const batchSchema = z.array(scoreInputSchema).max(MAX_SCORE_BATCH);
const optionsSchema = z.strictObject({ experimentKey: keySchema.optional() });

async function attach(
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
  return { logId: log.id, key, created: attached.created, score: attached.score };
}

// Each STORED score of a log that names an entity, as one event of that entity in the log's
// experiment, keyed by (log, score key): repeats of a score, in this batch or a retried one,
// count once.
async function countForEntities(
  ctx: EngineContext,
  results: ScoreResult[],
  logs: Map<string, LogRecord>,
): Promise<void> {
  const defs = await ctx.definitions.get();
  const events = new Map<string, EventRecord>();
  for (const { score } of results) {
    const entityId = logs.get(score.logId)?.entityId;
    const experiment = defs.experimentsById.get(score.experimentId)?.experiment;
    // An experiment deleted since the log was written leaves nowhere to count.
    if (!entityId || !experiment) continue;
    const idempotencyKey = scoreEventKey(score.logId, score.key);
    if (events.has(idempotencyKey)) continue;
    events.set(
      idempotencyKey,
      experimentEvent(defs, experiment, {
        entityId,
        metricName: score.name,
        value: score.value,
        idempotencyKey,
        timestamp: score.createdAt,
      }),
    );
  }
  if (events.size === 0) return;
  // Assignments this engine made must be stored before their entities' events arrive.
  await ctx.assignments.flush();
  const batch = [...events.values()];
  await retryStoreWrite(() => ctx.store.applyEvents(ctx.projectId, batch));
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
