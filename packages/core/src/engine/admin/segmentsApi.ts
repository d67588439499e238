import { ConflictError } from "../../errors/ConflictError.js";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { newId } from "../../ids.js";
import { parseInput } from "../../schema/parse.js";
import { namedFields } from "../../schema/patch.js";
import {
  type Segment,
  type SegmentInput,
  type SegmentPatch,
  segmentInputSchema,
  segmentPatchSchema,
} from "../../schema/segment.js";
import type { EngineContext } from "../context.js";
import {
  keyTakenError,
  listDefinitions,
  readDefinition,
  writeDefinition,
} from "./writeDefinition.js";

/** Segments of one project: named conditions experiments target. */
export interface SegmentsApi {
  create(input: SegmentInput): Promise<Segment>;
  /** The segment with this key, or null. */
  get(key: string): Promise<Segment | null>;
  /** Segments, oldest first. */
  list(): Promise<Segment[]>;
  /** Changes a segment; experiments using it see the new condition at once. */
  update(key: string, patch: SegmentPatch): Promise<Segment>;
  /** Deletes a segment no experiment names (`conflict` otherwise). */
  delete(key: string): Promise<void>;
}

export function segmentsApi(ctx: EngineContext): SegmentsApi {
  return {
    async create(input) {
      const definition = parseInput(segmentInputSchema, input, "segment");
      return writeDefinition(ctx, "segment", definition.key, (_defs, current) => {
        if (current) throw keyTakenError("segment", definition.key);
        const now = new Date().toISOString();
        return {
          id: newId("seg"),
          projectId: ctx.projectId,
          key: definition.key,
          name: definition.name ?? definition.key,
          description: definition.description ?? "",
          condition: definition.condition,
          revision: 1,
          createdAt: now,
          updatedAt: now,
        };
      });
    },

    get: (key) => readDefinition(ctx, "segment", key),
    list: () => listDefinitions(ctx, "segment"),

    async update(key, patch) {
      const changes = namedFields(parseInput(segmentPatchSchema, patch, "segment patch"));
      return writeDefinition(ctx, "segment", key, (_defs, current) => {
        if (!current) throw new NotFoundError("segment", key);
        return {
          ...current,
          ...changes,
          revision: current.revision + 1,
          updatedAt: new Date().toISOString(),
        };
      });
    },

    async delete(key) {
      ctx.assertOpen();
      const defs = await ctx.definitions.latest();
      const segment = defs.segmentsByKey.get(key);
      if (!segment) throw new NotFoundError("segment", key);
      const users = [...defs.experimentsByKey.values()]
        .filter((entry) => entry.experiment.segments.includes(key))
        .map((entry) => entry.experiment.key);
      if (users.length > 0) {
        throw new ConflictError(`segment "${key}" is used by experiments: ${users.join(", ")}`, {
          experiments: users,
        });
      }
      const version = await ctx.store.deleteDefinition(
        "segment",
        ctx.projectId,
        key,
        segment.revision,
      );
      await ctx.definitions.applied({ kind: "segment", key, record: null }, version);
    },
  };
}
