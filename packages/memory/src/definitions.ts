import { ConflictError, type DefinitionKind, NotFoundError, type Store } from "@abkit/core";
import { copy, type MemoryState, projectState } from "./state.js";

type DefinitionMethods = Pick<
  Store,
  "definitionsVersion" | "loadDefinitions" | "putDefinition" | "deleteDefinition"
>;

/** Definitions CRUD with per-record revisions and a per-project version counter. */
export function definitionMethods(state: MemoryState): DefinitionMethods {
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
      checkRevision(kind, record.key, current?.revision ?? 0, expectedRevision);
      if (!current && [...records.values()].some((other) => other.id === record.id)) {
        throw new ConflictError(`${kind} id "${record.id}" already exists`, {
          kind,
          id: record.id,
        });
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
      checkRevision(kind, key, current.revision, expectedRevision);
      records.delete(key);
      project.version += 1;
      return project.version;
    },
  };
}

function checkRevision(kind: DefinitionKind, key: string, actual: number, expected: number) {
  if (actual === expected) return;
  const message =
    expected === 0
      ? `${kind} "${key}" already exists`
      : `${kind} "${key}" is at revision ${actual}, not ${expected}: it changed since it was read`;
  throw new ConflictError(message, { kind, key, revision: actual, expectedRevision: expected });
}
