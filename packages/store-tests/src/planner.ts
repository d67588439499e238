import { isDeepStrictEqual } from "node:util";
import { MAX_AGGREGATED_METRICS, MAX_SLICE_VALUES, sliceOf } from "@abkit/core";
import { describe, expect, it } from "vitest";
import { useStore } from "./harness.js";
import { type PlannerModel, plannerModel } from "./plannerModel.js";
import { replayAgainstPlanner } from "./plannerReplay.js";
import { expectSlicesAddUp, sliceCapStream } from "./plannerSlices.js";
import { type PlannerStream, plannerStream, type StreamShape } from "./plannerStreams.js";
import type { StoreHarness } from "./types.js";

// The seeds of the random streams: a failure names its seed, and `plannerStream(seed)`
// rebuilds the stream.
const SEEDS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8];
// The seed of the stream that crosses MAX_AGGREGATED_METRICS.
const CAP_SEED = 200;

/**
 * The store against the core planner: random streams of assignments, event batches, logs
 * and scores go to the store and to `plannerModel` (the planner's plans applied to Maps), and
 * every result must match exactly: what each call returns, then `readAggregates`,
 * `readEntityTotals` and `readLogSummaries` halfway and at the end. A store that restates
 * the planner's arithmetic (Redis's Lua) is held to it here.
 *
 * @example
 * describe("my store", () => plannerContract({ create: async () => myStore() }));
 */
export function plannerContract(harness: StoreHarness): void {
  describe("planner", () => {
    const ctx = useStore(harness);

    it.each(SEEDS)("matches the core planner on the random stream of seed %i", async (seed) => {
      const stream = plannerStream(seed);
      const model = await replayAgainstPlanner(ctx.store, stream, `seed ${seed}`);
      // The stream exercised what it is for (a generator change must keep it so).
      const all = stream.projects.flatMap((p) =>
        stream.experiments.map((e) => model.readAggregates(p, e)),
      );
      const uncapped = withoutCaps(stream);
      const exercised = {
        crossProducts: all.some((a) => Object.keys(a.crossProducts).length > 0),
        covariateProducts: all.some((a) => Object.keys(a.covariateProducts).length > 0),

        metricsByDay: all.some((a) => Object.keys(a.metricsByDay).length > 0),
        // Some cap bit: without the caps, the same stream sums otherwise.
        caps: stream.projects.some((p) =>
          stream.experiments.some(
            (e) =>
              !isDeepStrictEqual(
                model.readAggregates(p, e).metrics,
                uncapped.readAggregates(p, e).metrics,
              ),
          ),
        ),
        slices: all.some((a) => Object.keys(a.slices.country ?? {}).length > 2),
        logs: stream.steps.some((step) => step.kind === "log"),
        scores: stream.steps.some((step) => step.kind === "score"),
        repeatedScoreKeys: repeatsAScoreKey(stream),
      };
      expect(exercised, `seed ${seed}: what the stream exercised`).toEqual({
        crossProducts: true,
        covariateProducts: true,

        metricsByDay: true,
        caps: true,
        slices: true,
        logs: true,
        scores: true,
        repeatedScoreKeys: true,
      });
      // Every assignment of exp-0 and exp-1 carried its dimensions: slices add up.
      for (const projectId of stream.projects) {
        for (const experimentId of ["exp-0", "exp-1"]) {
          const aggregates = await ctx.store.readAggregates(projectId, experimentId);
          expectSlicesAddUp(aggregates, ["country", "plan"], `seed ${seed}, ${experimentId}`);
        }
      }
    });

    it(`matches the core planner past MAX_SLICE_VALUES (${MAX_SLICE_VALUES}) values of a dimension`, async () => {
      const { stream, otherEntities } = sliceCapStream();
      await replayAgainstPlanner(ctx.store, stream, "slice cap");
      const aggregates = await ctx.store.readAggregates(
        stream.projects[0]!,
        stream.experiments[0]!,
      );
      const country = aggregates.slices.country ?? {};
      const values = Object.keys(country).filter((key) => sliceOf(key)?.kind === "value");
      expect(values.map((key) => sliceOf(key)?.value).sort()).toEqual(
        Array.from({ length: MAX_SLICE_VALUES }, (_, i) => `c${i}`).sort(),
      );
      const other = country.other?.exposures ?? {};
      expect((other.control ?? 0) + (other.treatment ?? 0)).toBe(otherEntities);
      expect(otherEntities).toBeGreaterThan(0);
      expectSlicesAddUp(aggregates, ["country", "device"], "slice cap");
    });

    it(`matches the core planner past MAX_AGGREGATED_METRICS (${MAX_AGGREGATED_METRICS}) undeclared metrics, seed ${CAP_SEED}`, async () => {
      const shape: Partial<StreamShape> = {
        steps: 16,
        maxBatch: 400,
        metrics: 2 * MAX_AGGREGATED_METRICS,
        undeclaredShare: 0.9,
        listShare: 0.8,
        projects: 1,
        assignEveryone: true,
        // Slices are crossed in their own case below: this one stays as fast as it was.
        dimensions: false,
      };
      const stream = plannerStream(CAP_SEED, shape);
      const model = await replayAgainstPlanner(ctx.store, stream, `seed ${CAP_SEED} (cap)`);
      const sent = new Set(
        stream.steps.flatMap((step) =>
          step.kind === "events" ? step.events.map((e) => e.metricName) : [],
        ),
      );
      const kept = Object.keys(
        model.readAggregates(stream.projects[0]!, stream.experiments[0]!).metrics,
      );
      // The cap was reached and some metrics were left out.
      expect(kept.length).toBeGreaterThanOrEqual(MAX_AGGREGATED_METRICS);
      expect(sent.size).toBeGreaterThan(kept.length);
    });
  });
}

// --- Internal helpers ---

// Whether some score of the stream repeats an earlier one's (log, key).
function repeatsAScoreKey(stream: PlannerStream): boolean {
  const seen = new Set<string>();
  return stream.steps.some((step) => {
    if (step.kind !== "score") return false;
    const id = `${step.record.logId}\u0000${step.record.key}`;
    if (seen.has(id)) return true;
    seen.add(id);
    return false;
  });
}

// The model after the same stream with every event's caps left out.
function withoutCaps(stream: PlannerStream): PlannerModel {
  const model = plannerModel();
  for (const step of stream.steps) {
    if (step.kind === "assign") model.recordAssignments(step.records);
    else if (step.kind === "log") model.appendLog(step.record);
    else if (step.kind === "score") model.attachScore(step.record);
    else
      model.applyEvents(
        step.projectId,
        step.events.map(({ caps: _, ...event }) => event),
      );
  }
  return model;
}
