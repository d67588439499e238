import type { DefinitionKind, DefinitionStore, DefinitionsSnapshot } from "@abkit/core";
import type { Connection } from "./connection.js";
import { scriptError } from "./errors.js";

/** Definitions as JSON in one hash per project; writes are scripts that bump the version. */
export function definitionMethods({ client, keys, script, run }: Connection): DefinitionStore {
  return {
    definitionsVersion: (projectId) =>
      run(async () => Number((await client.get(keys.project(projectId).version)) ?? 0)),

    // MULTI/EXEC: the bodies and the version are read at the same instant.
    loadDefinitions: (projectId) =>
      run(async () => {
        const k = keys.project(projectId);
        const replies = await client.multi().get(k.version).hgetall(k.definitions).exec();
        const version = Number(replyOf<string | null>(replies, 0) ?? 0);
        const bodies = replyOf<Record<string, string>>(replies, 1) ?? {};
        const snapshot: DefinitionsSnapshot = { version, experiments: [], flags: [], segments: [] };
        const lists: Record<DefinitionKind, unknown[]> = {
          experiment: snapshot.experiments,
          flag: snapshot.flags,
          segment: snapshot.segments,
        };
        const sorted = Object.entries(bodies)
          .map(([field, body]) => ({
            kind: field.slice(0, field.indexOf(":")) as DefinitionKind,
            record: JSON.parse(body),
          }))
          .sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
        for (const { kind, record } of sorted) lists[kind]?.push(record);
        return snapshot;
      }),

    putDefinition: (kind, record, expectedRevision) =>
      run(async () => {
        const k = keys.project(record.projectId);
        const [status, detail] = (await script(
          "putDefinition",
          [k.definitions, k.definitionIds, k.version],
          [kind, record.key, record.id, expectedRevision, JSON.stringify(record)],
        )) as [number, unknown];
        if (status !== 0)
          throw scriptError(status, {
            kind,
            key: record.key,
            id: record.id,
            expectedRevision,
            detail,
          });
        return Number(detail);
      }),

    deleteDefinition: (kind, projectId, key, expectedRevision) =>
      run(async () => {
        const k = keys.project(projectId);
        const [status, detail] = (await script(
          "deleteDefinition",
          [k.definitions, k.definitionIds, k.version],
          [kind, key, expectedRevision],
        )) as [number, unknown];
        if (status !== 0) throw scriptError(status, { kind, key, expectedRevision, detail });
        return Number(detail);
      }),
  };
}

/** The reply of command `index` in a MULTI/EXEC result, throwing its error if it failed. */
export function replyOf<T>(
  replies: [Error | null, unknown][] | null,
  index: number,
): T | undefined {
  const reply = replies?.[index];
  if (!reply) return undefined;
  if (reply[0]) throw reply[0];
  return reply[1] as T;
}
