import type { AssignmentRecord, EventRecord, LogRecord, ScoreRecord } from "@abkit/core";
import { newId } from "@abkit/core";
import { seededRandom, shuffled } from "./expected.js";
import { logRecord } from "./fixtures.js";
import { scoresAfterLog } from "./plannerScores.js";

/**
 * Random call streams for the `planner` group: assignments, event batches, logs and scores
 * on them over a few projects, experiments, variants and entities, drawn from a seed so a
 * failure reproduces. Most events carry caps (`STREAM_CAPS`) for their metric and partners. Every
 * number (caps too) is a multiple of 0.25 in a small range, so sums, squares and products
 * are exact in binary whatever the order a store adds them in.
 */

/** One store call of a stream. */
export type StreamStep =
  | { kind: "assign"; records: AssignmentRecord[] }
  | { kind: "events"; projectId: string; events: EventRecord[] }
  | { kind: "log"; record: LogRecord }
  | { kind: "score"; record: ScoreRecord };

/** What a stream draws from. */
export interface StreamShape {
  steps: number;
  /** The most events in one batch (each batch draws its size from 1 to this). */
  maxBatch: number;
  /** Metric names events draw from. */
  metrics: number;
  /** Share of events whose metric is undeclared in some of their experiments. */
  undeclaredShare: number;
  /** Share of the experiments each event names. */
  listShare: number;
  /** How many projects the stream writes to. */
  projects: number;
  /** Whether the stream opens by assigning every assignable entity everywhere. */
  assignEveryone: boolean;
  /** Whether assignments of exp-0 and exp-1 carry dimensions (and count in slices). */
  dimensions: boolean;
}

/** A stream and the names it uses, for reading everything back. */
export interface PlannerStream {
  steps: StreamStep[];
  projects: string[];
  /** The experiments events name; the last one never gets an assignment. */
  experiments: string[];
  entities: string[];
  metrics: string[];
  /** The UTC days timestamps fall on (`YYYY-MM-DD`, ascending), and the day after them. */
  days: string[];
}

export const DEFAULT_SHAPE: StreamShape = {
  steps: 30,
  maxBatch: 40,
  metrics: 5,
  undeclaredShare: 0.3,
  listShare: 0.5,
  projects: 2,
  assignEveryone: false,
  dimensions: true,
};

/**
 * The stream of `seed`: mostly event batches, with assignments (covariates, repeats where
 * the first writer wins) and logs in between.
 *
 * @example
 * const { steps } = plannerStream(7, { steps: 10 });
 */
export function plannerStream(seed: number, shape: Partial<StreamShape> = {}): PlannerStream {
  const options = { ...DEFAULT_SHAPE, ...shape };
  const random = seededRandom(seed);
  const draw = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const quarter = (min: number, max: number) =>
    (min * 4 + Math.floor(random() * ((max - min) * 4 + 1))) / 4;
  const subset = <T>(items: readonly T[], p: number) => items.filter(() => chance(p));

  const projects = Array.from({ length: options.projects }, (_, i) => `planner-${i}`);
  const experiments = ["exp-0", "exp-1", "exp-2", "exp-unassigned"];
  const assignable = experiments.slice(0, -1);
  const variants: Record<string, string[]> = {
    "exp-0": ["control", "treatment"],
    "exp-1": ["control", "treatment", "v2"],
    "exp-2": ["a", "b"],
  };
  // The last entities are never assigned: their events count only in daily totals.
  const entities = Array.from({ length: 14 }, (_, i) => `u${i}`);
  const assignedEntities = entities.slice(0, 10);
  const metrics = Array.from({ length: options.metrics }, (_, i) => metricName(i));
  const covariates = ["pre:tokens:7d", "age", "plan.tier"];
  // Every assignment of the experiments with dimensions carries them (null: no value), so
  // their slices add up to the whole; exp-2 has none.
  const dimensionsOf = (experimentId: string) =>
    experimentId === "exp-2" || !options.dimensions
      ? {}
      : {
          dimensions: {
            country: draw(["FR", "DE", "US", "é😀 a/b", "other", "none", null]),
            plan: draw(["free", "pro", null]),
          },
        };
  const idempotencyKeys = Array.from({ length: 120 }, (_, i) => `key-${i}`);
  const timestamp = () => {
    if (chance(0.05)) return "not a time";
    const time = FIRST_DAY_MS + Math.floor(random() * DAYS * 24) * HOUR_MS + 1234;
    // An offset time that falls on the next UTC day is bucketed by its instant.
    if (chance(0.1)) return `${new Date(time).toISOString().slice(0, 10)}T23:30:00-02:00`;
    return new Date(time).toISOString();
  };

  const assignmentBatch = (): AssignmentRecord[] => {
    const records: AssignmentRecord[] = [];
    const size = 1 + Math.floor(random() * 8);
    for (let i = 0; i < size; i++) {
      const previous = records.at(-1);
      // Repeats in one batch: the same entity again, maybe another variant; the first wins.
      const [projectId, experimentId, entityId] =
        previous && chance(0.3)
          ? [previous.projectId, previous.experimentId, previous.entityId]
          : [draw(projects), draw(assignable), draw(assignedEntities)];
      const covariateValues = Object.fromEntries(
        subset(covariates, 0.5).map((name) => [name, quarter(-8, 8)]),
      );
      records.push({
        projectId,
        experimentId,
        entityId,
        variantKey: draw(variants[experimentId] ?? []),
        assignedAt: timestamp(),
        ...(chance(0.6) ? { covariates: covariateValues } : {}),
        ...dimensionsOf(experimentId),
      });
    }
    return records;
  };

  const eventBatch = (): EventRecord[] => {
    const events: EventRecord[] = [];
    const size = 1 + Math.floor(random() * options.maxBatch);
    for (let i = 0; i < size; i++) {
      const experimentIds = shuffled(subset(experiments, options.listShare), random);
      const metric = draw(metrics);
      const repeat = events.length > 0 && chance(0.15) ? draw(events).idempotencyKey : null;
      const event: EventRecord = {
        id: newId("evt"),
        entityId: draw(entities),
        metricName: metric,
        value: quarter(-4, 4),
        idempotencyKey: repeat ?? (chance(0.5) ? draw(idempotencyKeys) : null),
        timestamp: timestamp(),
        experimentIds,
      };
      if (chance(0.4)) {
        // Partners, the own metric and repeats included (stores must ignore those), also for
        // experiments the event does not name.
        event.crossMetrics = Object.fromEntries(
          subset(experiments, 0.6).map((id) => [
            id,
            Array.from({ length: 1 + Math.floor(random() * 3) }, () => draw(metrics)),
          ]),
        );
      }
      if (chance(options.undeclaredShare)) {
        event.undeclaredIn = subset(experiments, 0.7);
      }
      if (chance(0.8)) event.caps = capsOf(event, subset(experiments, 0.8), chance);
      events.push(event);
    }
    return events;
  };

  const logOf = (): LogRecord => {
    const experimentId = draw(assignable);
    const names = subset(["latency_ms", "output_tokens", "cost_usd", "rating"], 0.6);
    return logRecord(draw(projects), experimentId, {
      variantKey: draw(variants[experimentId]!),
      metrics: Object.fromEntries(names.map((name) => [name, quarter(-2, 40)])),
    });
  };

  const stream: StreamStep[] = [];
  const logs: LogRecord[] = [];
  const scoreRandom = seededRandom(seed + 1_000_000);
  if (options.assignEveryone) {
    const records = projects.flatMap((projectId) =>
      assignable.flatMap((experimentId) =>
        assignedEntities.map((entityId) => ({
          projectId,
          experimentId,
          entityId,
          variantKey: draw(variants[experimentId]!),
          assignedAt: timestamp(),
          ...dimensionsOf(experimentId),
        })),
      ),
    );
    stream.push({ kind: "assign", records });
  }
  for (let i = 0; i < options.steps; i++) {
    // Streams open with assignments, so that events have somewhere to count.
    const roll = i === 0 ? 0 : random();
    if (roll < 0.25) stream.push({ kind: "assign", records: assignmentBatch() });
    else if (roll < 0.8)
      stream.push({ kind: "events", projectId: draw(projects), events: eventBatch() });
    else {
      const record = logOf();
      stream.push({ kind: "log", record });
      logs.push(record);
      // Scores draw from their own generator: the rest of the stream stays as it was.
      stream.push(...scoresAfterLog(logs, scoreRandom));
    }
  }
  return {
    steps: stream,
    projects,
    experiments,
    entities,
    metrics,
    days: Array.from({ length: DAYS + 2 }, (_, i) => dayOf(i)),
  };
}

/**
 * The caps each experiment of a stream keeps (capping, `EventRecord.caps`): multiples of
 * 0.25 below the totals events reach, so they bite.
 */
export const STREAM_CAPS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "exp-0": { tokens: 1.5, revenue: 0.5, clicks: 2 },
  "exp-1": { clicks: 0.75, tokens: 1, latency_ms: 2.5 },
  "exp-2": { "cost.usd": 0.25, revenue: 1.25, tokens: 3 },
  "exp-unassigned": { tokens: 1 },
};

/** The name of metric `i` of a stream: a few readable ones, then numbered. */
export function metricName(i: number): string {
  return READABLE_METRICS[i] ?? `metric-${String(i).padStart(3, "0")}`;
}

// --- Internal helpers ---

const READABLE_METRICS = ["tokens", "clicks", "revenue", "latency_ms", "cost.usd"];
const HOUR_MS = 3_600_000;
const DAYS = 5;
const FIRST_DAY_MS = Date.parse("2026-03-01T00:00:00.000Z");

// The caps an event carries into `experiments`, as the engine attaches them: its metric's
// and its partners' where the experiment caps them; now and then one for a metric the event
// does not touch (stores must ignore it).
function capsOf(
  event: EventRecord,
  experiments: readonly string[],
  chance: (p: number) => boolean,
): Record<string, Record<string, number>> {
  return Object.fromEntries(
    experiments.map((id) => {
      const kept = STREAM_CAPS[id] ?? {};
      const touched = [event.metricName, ...(event.crossMetrics?.[id] ?? [])];
      const names = Object.keys(kept).filter((name) => touched.includes(name) || chance(0.2));
      return [id, Object.fromEntries(names.map((name) => [name, kept[name]!]))];
    }),
  );
}

function dayOf(offset: number): string {
  return new Date(FIRST_DAY_MS + offset * 24 * HOUR_MS).toISOString().slice(0, 10);
}
