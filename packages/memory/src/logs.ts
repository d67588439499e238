import {
  ConflictError,
  type LogRecord,
  type LogStore,
  logSummariesFromCounters,
  planLog,
  planScore,
} from "@abkit/core";
import { addCounters, copy, countersOf, type MemoryState, projectState } from "./state.js";

/** Execution logs, listed newest first with an id cursor, and the scores attached to them. */
export function logMethods(state: MemoryState): LogStore {
  // A caller's copy of a stored log, with its scores.
  const withScores = (log: LogRecord): LogRecord => ({
    ...copy(log),
    scores: (state.scores.get(log.id) ?? []).map(copy),
  });

  return {
    async appendLog(record) {
      const project = projectState(state, record.projectId);
      const logs = project.logs.get(record.experimentId) ?? [];
      if (state.logsById.has(record.id)) {
        throw new ConflictError(`log "${record.id}" already exists`, { id: record.id });
      }
      const { scores: _ignored, ...stored } = copy(record);
      // Keep ascending id order even if a caller appends out of order.
      const index = logs.findLastIndex((log) => log.id < record.id) + 1;
      logs.splice(index, 0, stored);
      state.logsById.set(record.id, stored);
      project.logs.set(record.experimentId, logs);
      addCounters(state, planLog(record));
    },

    async listLogs(projectId, experimentId, { limit, before }) {
      const logs = projectState(state, projectId).logs.get(experimentId) ?? [];
      const end =
        before === undefined ? logs.length : logs.findLastIndex((log) => log.id < before) + 1;
      const start = Math.max(0, end - limit);
      const page = logs.slice(start, end).reverse().map(withScores);
      const last = page.at(-1);
      return { logs: page, nextCursor: start > 0 && last ? last.id : null };
    },

    async getLog(projectId, logId) {
      const log = state.logsById.get(logId);
      return log && log.projectId === projectId ? withScores(log) : null;
    },

    async attachScore(score) {
      const log = state.logsById.get(score.logId);
      if (!log || log.projectId !== score.projectId) return null;
      const scores = state.scores.get(score.logId) ?? [];
      const existing = scores.find((stored) => stored.key === score.key);
      if (existing) return { score: copy(existing), created: false };
      scores.push(copy(score));
      state.scores.set(score.logId, scores);
      addCounters(state, planScore(score));
      return { score: copy(score), created: true };
    },

    async readLogSummaries(projectId, experimentId) {
      return logSummariesFromCounters(countersOf(state, projectId, experimentId));
    },
  };
}
