import {
  ConflictError,
  checkDefinitionId,
  checkDefinitionRevision,
  type DefinitionStore,
  NotFoundError,
} from "@abkit/core";
import { copy, type MemoryState, projectState } from "./state.js";

/** Definitions CRUD with per-record revisions and a per-project version counter. */
export function definitionMethods(state: MemoryState): DefinitionStore {
  return {
    async definitionsVersion(projectId) {
      return projectState(state, projectId).version;
    },

    async loadDefinitions(projectId) {
      const project = projectState(state, projectId);
      const { experiment, flag, segment } = project.definitions;
      return {
        version: project.version,
        experiments: [...experiment.values()].map(copy),
        flags: [...flag.values()].map(copy),
        segments: [...segment.values()].map(copy),
      };
    },

    async putDefinition(kind, record, expectedRevision) {
      const project = projectState(state, record.projectId);
      const records = project.definitions[kind] as Map<string, { id: string; revision: number }>;
      const current = records.get(record.key);
      checkDefinitionRevision(kind, record.key, current?.revision ?? 0, expectedRevision);
      checkDefinitionId(kind, record.key, current?.id, record.id);
      const { id } = record;
      if (!current && [...records.values()].some((other) => other.id === id)) {
        throw new ConflictError(`${kind} id "${id}" already exists`, { kind, id });
      }
      records.set(record.key, copy(record));
      project.version += 1;
      return project.version;
    },

    async deleteDefinition(kind, projectId, key, expectedRevision) {
      const project = projectState(state, projectId);
      const records = project.definitions[kind];
      const current = records.get(key);
      if (!current) throw new NotFoundError(kind, key);
      checkDefinitionRevision(kind, key, current.revision, expectedRevision);
      records.delete(key);
      project.version += 1;
      return project.version;
    },
  };
}
