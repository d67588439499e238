import { ConflictError, type LogStore, logSummariesFromCounters, planLog } from "@abkit/core";
import { addCounters, copy, countersOf, type MemoryState, projectState } from "./state.js";

/** Execution logs, listed newest first with an id cursor. */
export function logMethods(state: MemoryState): LogStore {
  return {
    async appendLog(record) {
      const project = projectState(state, record.projectId);
      const logs = project.logs.get(record.experimentId) ?? [];
      if (state.logIds.has(record.id)) {
        throw new ConflictError(`log "${record.id}" already exists`, { id: record.id });
      }
      // Keep ascending id order even if a caller appends out of order.
      const index = logs.findLastIndex((log) => log.id < record.id) + 1;
      logs.splice(index, 0, copy(record));
      state.logIds.add(record.id);
      project.logs.set(record.experimentId, logs);
      addCounters(state, planLog(record));
    },

    async listLogs(projectId, experimentId, { limit, before }) {
      const logs = projectState(state, projectId).logs.get(experimentId) ?? [];
      const end =
        before === undefined ? logs.length : logs.findLastIndex((log) => log.id < before) + 1;
      const start = Math.max(0, end - limit);
      const page = logs.slice(start, end).reverse().map(copy);
      const last = page.at(-1);
      return { logs: page, nextCursor: start > 0 && last ? last.id : null };
    },

    async readLogSummaries(projectId, experimentId) {
      return logSummariesFromCounters(countersOf(state, projectId, experimentId));
    },
  };
}
