import { isAbkitError } from "../../errors/AbkitError.js";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { newId } from "../../ids.js";
import type { Experiment } from "../../schema/experiment.js";
import { type LogInput, type LogRecord, logInputSchema } from "../../schema/log.js";
import { parseInput } from "../../schema/parse.js";
import type { EngineContext } from "../context.js";
import type { CompiledDefinitions } from "../evaluation/compile.js";
import { experimentEvent } from "./experimentEvent.js";
import { priceExecution } from "./pricing.js";
import { retryStoreWrite } from "./storeRetry.js";

/**
 * Records one execution of a variant (seed 001): input, output, numeric metrics (latency,
 * tokens, cost) and context. `variantKey` must be a variant of the experiment. A priced
 * variant's log gets its cost (see `priceExecution`).
 *
 * With an `entityId`, the log's metrics also count as that entity's events in this
 * experiment only, each once (idempotency key `log:<logId>:<metric>`, time = the log's).
 * Order of the writes: the events first, then the log. Both are retried in-process with the
 * same log id (the events are deduped by key; `appendLog` refusing the log's own id means an
 * earlier attempt stored it), so a store blip neither loses nor doubles a count, and a log
 * that can be read always has its entity events counted. If the events cannot be written,
 * nothing was stored and the caller may simply retry; if the log alone cannot be, its events
 * count without it (docs/concepts.md, "Execution logs").
 */
export async function logExecution(
  ctx: EngineContext,
  experimentKey: string,
  input: LogInput,
): Promise<{ logId: string }> {
  ctx.assertOpen();
  const entry = parseInput(logInputSchema, input, "log");
  const defs = await ctx.definitions.get();
  const experiment = defs.experimentsByKey.get(experimentKey)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", experimentKey);
  if (!experiment.variants.some((variant) => variant.key === entry.variantKey)) {
    const keys = experiment.variants.map((variant) => variant.key).join(", ");
    throw ValidationError.field(
      ["variantKey"],
      `"${entry.variantKey}" is not a variant of "${experimentKey}" (variants: ${keys})`,
      "log",
    );
  }
  const record: LogRecord = {
    id: newId("log"),
    projectId: ctx.projectId,
    experimentId: experiment.id,
    variantKey: entry.variantKey,
    entityId: entry.entityId ?? null,
    input: entry.input ?? null,
    output: entry.output ?? null,
    metrics: priceExecution(experiment.pricing, entry.variantKey, entry.metrics),
    context: entry.context ?? null,
    createdAt: new Date().toISOString(),
  };
  if (record.entityId) await countForEntity(ctx, defs, experiment, record, record.entityId);
  await retryStoreWrite(() => appendOnce(ctx, record));
  return { logId: record.id };
}

// --- Internal helpers ---

// The log's metrics as the entity's events in its experiment: one event per metric, keyed by
// the log id so a repeat of this step counts nothing twice.
async function countForEntity(
  ctx: EngineContext,
  defs: CompiledDefinitions,
  experiment: Experiment,
  record: LogRecord,
  entityId: string,
): Promise<void> {
  const events = Object.entries(record.metrics).map(([metricName, value]) =>
    experimentEvent(defs, experiment, {
      entityId,
      metricName,
      value,
      idempotencyKey: `log:${record.id}:${metricName}`,
      timestamp: record.createdAt,
    }),
  );
  if (events.length === 0) return;
  // Assignments this engine made must be stored before their entities' events arrive.
  await ctx.assignments.flush();
  await retryStoreWrite(() => ctx.store.applyEvents(ctx.projectId, events));
}

// A conflict on the log's own, freshly made id means an earlier attempt stored it and only
// the reply was lost.
async function appendOnce(ctx: EngineContext, record: LogRecord): Promise<void> {
  try {
    await ctx.store.appendLog(record);
  } catch (error) {
    if (isAbkitError(error) && error.code === "conflict") return;
    throw error;
  }
}
