import type { EntityTotalsRequest, Store } from "@abkit/core";
import { expect } from "vitest";
import { chunks } from "./expected.js";
import { type PlannerModel, plannerModel } from "./plannerModel.js";
import type { PlannerStream } from "./plannerStreams.js";

/**
 * Sends a stream to `store` and to a fresh `plannerModel`, asserting that every call returns
 * what the model returns and that `readAggregates`, `readLogSummaries` (every project and
 * experiment of the stream) and `readEntityTotals` (every entity and metric) read exactly
 * the model's values halfway through and at the end. Failures start with `name`.
 *
 * @example
 * await replayAgainstPlanner(store, plannerStream(42), "seed 42");
 */
export async function replayAgainstPlanner(
  store: Store,
  stream: PlannerStream,
  name: string,
): Promise<PlannerModel> {
  const model = plannerModel();
  const halfway = Math.floor(stream.steps.length / 2);
  for (const [index, step] of stream.steps.entries()) {
    const at = `${name}, step ${index} (${step.kind})`;
    if (step.kind === "assign") {
      expect(await store.recordAssignments(step.records), at).toEqual(
        model.recordAssignments(step.records),
      );
    } else if (step.kind === "events") {
      expect(await store.applyEvents(step.projectId, step.events), at).toEqual(
        model.applyEvents(step.projectId, step.events),
      );
    } else if (step.kind === "score") {
      expect(await store.attachScore(step.record), at).toEqual(model.attachScore(step.record));
    } else {
      await store.appendLog(step.record);
      model.appendLog(step.record);
    }
    if (index === halfway) await compareReads(store, model, stream, `${name}, after step ${index}`);
  }
  await compareReads(store, model, stream, `${name}, at the end`);
  return model;
}

// --- Internal helpers ---

async function compareReads(
  store: Store,
  model: PlannerModel,
  stream: PlannerStream,
  at: string,
): Promise<void> {
  const requests = entityTotalsRequests(stream);
  for (const projectId of stream.projects) {
    for (const experimentId of stream.experiments) {
      expect(
        await store.readAggregates(projectId, experimentId),
        `${at}: readAggregates(${projectId}, ${experimentId})`,
      ).toEqual(model.readAggregates(projectId, experimentId));
      expect(
        await store.readLogSummaries(projectId, experimentId),
        `${at}: readLogSummaries(${projectId}, ${experimentId})`,
      ).toEqual(model.readLogSummaries(projectId, experimentId));
    }
    expect(
      await store.readEntityTotals(projectId, requests),
      `${at}: readEntityTotals(${projectId})`,
    ).toEqual(model.readEntityTotals(projectId, requests));
  }
}

// Per entity, every metric (100 a request): over all the stream's days, and over two days
// in the middle.
function entityTotalsRequests({ entities, metrics, days }: PlannerStream): EntityTotalsRequest[] {
  const whole = { fromDay: days[0]!, toDay: days.at(-1)! };
  const middle = { fromDay: days[1]!, toDay: days[3]! };
  return entities.flatMap((entityId) =>
    chunks(metrics, 100).flatMap((names) => [
      { entityId, metrics: names, ...whole },
      { entityId, metrics: names, ...middle },
    ]),
  );
}
