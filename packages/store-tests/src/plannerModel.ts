import {
  type ApplyEventsResult,
  type AssignmentRecord,
  type AttachScoreResult,
  aggregatedMetrics,
  aggregatesFromCounters,
  type CounterIncrement,
  dayRange,
  type EntityTotalsRequest,
  type EventRecord,
  type ExperimentAggregates,
  type LogRecord,
  type LogSummaries,
  logSummariesFromCounters,
  ownEntry,
  planAssignments,
  planEvents,
  planLog,
  planScore,
  type RunningTotal,
  type ScoreRecord,
  type StoredAssignment,
  sliceValues,
} from "@abkit/core";

/**
 * The reference a store's results are held to: the core planner's plans applied to plain
 * Maps, with no arithmetic of its own. Whatever a store computes (in a transaction, in Lua)
 * must read back exactly as this model does for the same calls.
 *
 * @example
 * const model = plannerModel();
 * model.recordAssignments([assignment("p", "e", "u1", "A")]);
 * model.applyEvents("p", [eventRecord("u1", ["e"], { value: 2 })]);
 * model.readAggregates("p", "e").metrics; // { output_tokens: { A: { events: 1, ... } } }
 */
export interface PlannerModel {
  recordAssignments(records: readonly AssignmentRecord[]): string[];
  applyEvents(projectId: string, events: readonly EventRecord[]): ApplyEventsResult;
  appendLog(record: LogRecord): void;
  attachScore(score: ScoreRecord): AttachScoreResult | null;
  readAggregates(projectId: string, experimentId: string): ExperimentAggregates;
  readEntityTotals(
    projectId: string,
    requests: readonly EntityTotalsRequest[],
  ): Record<string, number>[];
  readLogSummaries(projectId: string, experimentId: string): LogSummaries;
}

/** A fresh, empty reference model (see `PlannerModel`). */
export function plannerModel(): PlannerModel {
  /** `project NUL experiment NUL entity` -> the stored assignment. */
  const assignments = new Map<string, StoredAssignment>();
  /** `project NUL idempotencyKey` of every accepted event with a key. */
  const seen = new Set<string>();
  /** `project NUL experiment NUL metric NUL entity` -> running total. */
  const totals = new Map<string, RunningTotal>();
  /** `project NUL experiment` -> counter id -> value. */
  const counters = new Map<string, Map<string, number>>();
  /** `project NUL entity NUL metric NUL day` -> Σ values of accepted events that day. */
  const dayTotals = new Map<string, number>();
  /** log id -> its project, for every log appended. */
  const logProjects = new Map<string, string>();
  /** `log NUL score key` -> the first score of that key. */
  const scores = new Map<string, ScoreRecord>();

  const countersOf = (projectId: string, experimentId: string) =>
    counters.get(key(projectId, experimentId)) ?? new Map<string, number>();
  const addCounters = (increments: readonly CounterIncrement[]) => {
    for (const { projectId, experimentId, counter, delta } of increments) {
      const values = counters.get(key(projectId, experimentId)) ?? new Map<string, number>();
      values.set(counter, (values.get(counter) ?? 0) + delta);
      counters.set(key(projectId, experimentId), values);
    }
  };

  return {
    recordAssignments(records) {
      const plan = planAssignments(
        records,
        (projectId, experimentId, entityId) =>
          assignments.get(key(projectId, experimentId, entityId))?.variantKey,
        (projectId, experimentId) => sliceValues(countersOf(projectId, experimentId).keys()),
      );
      for (const insert of plan.inserts) {
        const { projectId, experimentId, entityId, variantKey, covariates, slices } = insert;
        assignments.set(key(projectId, experimentId, entityId), { variantKey, covariates, slices });
      }
      addCounters(plan.counters);
      return plan.variants;
    },

    applyEvents(projectId, events) {
      const plan = planEvents(projectId, events, {
        seen: (idempotencyKey) => seen.has(key(projectId, idempotencyKey)),
        assignment: (experimentId, entityId) =>
          assignments.get(key(projectId, experimentId, entityId)),
        total: (experimentId, metric, entityId) =>
          totals.get(key(projectId, experimentId, metric, entityId)),
        aggregatedMetrics: (experimentId) =>
          aggregatedMetrics(countersOf(projectId, experimentId).keys()),
      });
      for (const { idempotencyKey } of plan.acceptedEvents) {
        if (idempotencyKey !== null) seen.add(key(projectId, idempotencyKey));
      }
      for (const { experimentId, metricName, entityId, events: n, sum } of plan.totals) {
        totals.set(key(projectId, experimentId, metricName, entityId), { events: n, sum });
      }
      addCounters(plan.counters);
      for (const { entityId, metricName, day, delta } of plan.dayTotals) {
        const id = key(projectId, entityId, metricName, day);
        dayTotals.set(id, (dayTotals.get(id) ?? 0) + delta);
      }
      return { accepted: plan.accepted, deduped: plan.deduped };
    },

    appendLog(record) {
      logProjects.set(record.id, record.projectId);
      addCounters(planLog(record));
    },

    attachScore(score) {
      if (logProjects.get(score.logId) !== score.projectId) return null;
      const stored = scores.get(key(score.logId, score.key));
      if (stored) return { score: structuredClone(stored), created: false };
      scores.set(key(score.logId, score.key), structuredClone(score));
      addCounters(planScore(score));
      return { score: structuredClone(score), created: true };
    },

    readAggregates(projectId, experimentId) {
      return aggregatesFromCounters(countersOf(projectId, experimentId));
    },

    readEntityTotals(projectId, requests) {
      return requests.map(({ entityId, metrics, fromDay, toDay }) => {
        const days = dayRange(fromDay, toDay);
        const result: Record<string, number> = {};
        for (const metric of metrics) {
          const sum = days.reduce(
            (total, day) => total + (dayTotals.get(key(projectId, entityId, metric, day)) ?? 0),
            0,
          );
          ownEntry(result, metric, () => sum);
        }
        return result;
      });
    },

    readLogSummaries(projectId, experimentId) {
      return logSummariesFromCounters(countersOf(projectId, experimentId));
    },
  };
}

// --- Internal helpers ---

function key(...parts: string[]): string {
  return parts.join("\u0000");
}
