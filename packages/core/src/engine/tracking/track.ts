import * as z from "zod";
import { AbkitError } from "../../errors/AbkitError.js";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { newId } from "../../ids.js";
import { keySchema } from "../../schema/common.js";
import {
  type EventInput,
  type EventRecord,
  eventBatchSchema,
  eventValueSchema,
} from "../../schema/event.js";
import type { Experiment } from "../../schema/experiment.js";
import { parseInput } from "../../schema/parse.js";
import type { ApplyEventsResult } from "../../store.js";
import type { EngineContext } from "../context.js";
import type { CompiledDefinitions } from "../evaluation/compile.js";
import { runningCaps } from "./caps.js";
import { experimentEvent } from "./experimentEvent.js";

/** What `trackConversion` takes (seed 002's track body, camel-cased). */
export interface ConversionInput {
  /** The experiment, by id or key; or name the flag and its running experiment is used. */
  experimentId?: string;
  experimentKey?: string;
  flagId?: string;
  flagKey?: string;
  userId: string;
  /** The metric the conversion counts in; `conversion` by default. */
  metricName?: string;
  /** 1 by default. */
  value?: number;
}

const conversionSchema = z
  .strictObject({
    experimentId: z.string().min(1).optional(),
    experimentKey: keySchema.optional(),
    flagId: z.string().min(1).optional(),
    flagKey: keySchema.optional(),
    userId: z.string().min(1).max(256),
    metricName: keySchema.default("conversion"),
    value: eventValueSchema.default(1),
  })
  .refine(
    (input) => [input.experimentId, input.experimentKey, input.flagId, input.flagKey].some(Boolean),
    {
      message:
        "name the experiment (experimentId or experimentKey) or its flag (flagId or flagKey)",
    },
  );

/**
 * Records events. Each counts in every running experiment of the project in which its
 * entity has an assignment; events of unassigned entities are kept but count nowhere. A
 * repeated `idempotencyKey` is a no-op counted in `deduped`.
 */
export async function trackEvents(
  ctx: EngineContext,
  events: EventInput[],
): Promise<ApplyEventsResult> {
  ctx.assertOpen();
  const parsed = parseInput(eventBatchSchema, events, "events");
  if (parsed.length === 0) return { accepted: 0, deduped: 0 };
  // Assignments this engine made must be stored before their entities' events arrive.
  await ctx.assignments.flush();
  const defs = await ctx.definitions.get();
  const running = defs.runningExperimentIds;
  const now = new Date().toISOString();
  const records: EventRecord[] = parsed.map((event) => {
    const crossMetrics = defs.runningCrossMetrics.get(event.metricName);
    // Where the metric is not declared, the store caps how many such metrics it keeps.
    const undeclaredIn = defs.runningUndeclaredIn.get(event.metricName) ?? running;
    const caps = runningCaps(defs, event.metricName);
    return {
      id: newId("evt"),
      entityId: event.entityId,
      metricName: event.metricName,
      value: event.value,
      idempotencyKey: event.idempotencyKey ?? null,
      timestamp: event.timestamp ?? now,
      experimentIds: running,
      ...(crossMetrics ? { crossMetrics } : {}),
      ...(undeclaredIn.length > 0 ? { undeclaredIn } : {}),
      ...(caps ? { caps } : {}),
    };
  });
  return ctx.store.applyEvents(ctx.projectId, records);
}

/**
 * Records a conversion for one experiment (seed 002), counted once per (experiment, user,
 * metric): repeats are deduped. A draft or stopped experiment rejects it
 * (`experiment_not_running`).
 */
export async function trackConversion(
  ctx: EngineContext,
  input: ConversionInput,
): Promise<ApplyEventsResult> {
  ctx.assertOpen();
  const conversion = parseInput(conversionSchema, input, "conversion");
  await ctx.assignments.flush();
  const defs = await ctx.definitions.get();
  const experiment = conversionExperiment(defs, conversion);
  if (experiment.status !== "running") {
    throw new AbkitError(
      "experiment_not_running",
      `experiment "${experiment.key}" is ${experiment.status}: conversions are accepted only while it runs`,
      { details: { experimentKey: experiment.key, status: experiment.status } },
    );
  }
  return ctx.store.applyEvents(ctx.projectId, [
    experimentEvent(defs, experiment, {
      entityId: conversion.userId,
      metricName: conversion.metricName,
      value: conversion.value,
      idempotencyKey: `conversion:${experiment.id}:${conversion.metricName}:${conversion.userId}`,
      timestamp: new Date().toISOString(),
    }),
  ]);
}

// --- Internal helpers ---

function conversionExperiment(
  defs: CompiledDefinitions,
  input: z.output<typeof conversionSchema>,
): Experiment {
  const named =
    (input.experimentId && defs.experimentsById.get(input.experimentId)) ||
    (input.experimentKey && defs.experimentsByKey.get(input.experimentKey));
  if (input.experimentId || input.experimentKey) {
    if (!named)
      throw new NotFoundError("experiment", input.experimentId ?? input.experimentKey ?? "");
    const flag = input.flagId ?? input.flagKey;
    if (flag && named.experiment.flagKey !== (defs.flagsById.get(flag)?.key ?? flag)) {
      throw ValidationError.field(
        ["experimentId"],
        `the experiment is not attached to flag "${flag}"`,
        "conversion",
      );
    }
    return named.experiment;
  }
  const flag =
    (input.flagId && defs.flagsById.get(input.flagId)) ||
    (input.flagKey && defs.flagsByKey.get(input.flagKey));
  if (!flag) throw new NotFoundError("flag", input.flagId ?? input.flagKey ?? "");
  const attached = defs.experimentsByFlag.get(flag.key) ?? [];
  const running = attached.find((entry) => entry.experiment.status === "running");
  const chosen = running ?? attached.at(-1);
  if (!chosen) throw new NotFoundError("experiment attached to flag", flag.key);
  return chosen.experiment;
}
