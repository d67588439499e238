import { NotFoundError } from "../../errors/NotFoundError.js";
import { newId } from "../../ids.js";
import type { Experiment } from "../../schema/experiment.js";
import {
  type Flag,
  type FlagInput,
  type FlagPatch,
  type FlagRule,
  flagInputSchema,
  flagPatchSchema,
} from "../../schema/flag.js";
import { parseInput } from "../../schema/parse.js";
import { namedFields } from "../../schema/patch.js";
import type { EngineContext } from "../context.js";
import type { ExperimentsApi } from "./experimentsApi.js";
import {
  keyTakenError,
  listDefinitions,
  readDefinition,
  writeDefinition,
} from "./writeDefinition.js";

/** Flags of one project: typed values with targeting rules and attached experiments. */
export interface FlagsApi {
  create(input: FlagInput): Promise<Flag>;
  /** The flag with this key, or null. */
  get(key: string): Promise<Flag | null>;
  /** Flags, oldest first. */
  list(): Promise<Flag[]>;
  /** Changes a flag (not its key or type); every value is checked against the type. */
  update(key: string, patch: FlagPatch): Promise<Flag>;
  /**
   * Attaches a draft experiment: while it runs, the flag serves the assigned variant's
   * `config` as its value. Every config must be a valid value of the flag's type.
   */
  attach(flagKey: string, experimentKey: string): Promise<Experiment>;
  /** The experiments attached to a flag, oldest first. */
  experiments(flagKey: string): Promise<Experiment[]>;
}

export function flagsApi(ctx: EngineContext, experiments: ExperimentsApi): FlagsApi {
  return {
    async create(input) {
      const definition = parseInput(flagInputSchema, input, "flag");
      return writeDefinition(ctx, "flag", definition.key, (_defs, current) => {
        if (current) throw keyTakenError("flag", definition.key);
        const now = new Date().toISOString();
        return {
          id: newId("flag"),
          projectId: ctx.projectId,
          key: definition.key,
          name: definition.name ?? definition.key,
          description: definition.description ?? "",
          type: definition.type,
          defaultValue: definition.defaultValue,
          ...(definition.defaultVariant !== undefined
            ? { defaultVariant: definition.defaultVariant }
            : {}),
          enabled: definition.enabled,
          rules: withRuleIds(definition.rules),
          revision: 1,
          createdAt: now,
          updatedAt: now,
        };
      });
    },

    get: (key) => readDefinition(ctx, "flag", key),
    list: () => listDefinitions(ctx, "flag"),

    async update(key, patch) {
      const changes = namedFields(parseInput(flagPatchSchema, patch, "flag patch"));
      return writeDefinition(ctx, "flag", key, (_defs, current) => {
        if (!current) throw new NotFoundError("flag", key);
        const { id, projectId, revision, createdAt, updatedAt, ...definition } = current;
        const merged = parseInput(flagInputSchema, { ...definition, ...changes }, "flag");
        return {
          ...current,
          ...merged,
          name: merged.name ?? current.name,
          description: merged.description ?? current.description,
          rules: withRuleIds(merged.rules),
          revision: current.revision + 1,
          updatedAt: new Date().toISOString(),
        };
      });
    },

    async attach(flagKey, experimentKey) {
      ctx.assertOpen();
      const defs = await ctx.definitions.latest();
      if (!defs.flagsByKey.has(flagKey)) throw new NotFoundError("flag", flagKey);
      return experiments.update(experimentKey, { flagKey });
    },

    async experiments(flagKey) {
      ctx.assertOpen();
      const defs = await ctx.definitions.get();
      if (!defs.flagsByKey.has(flagKey)) throw new NotFoundError("flag", flagKey);
      return (defs.experimentsByFlag.get(flagKey) ?? []).map((entry) => entry.experiment);
    },
  };
}

// --- Internal helpers ---

function withRuleIds(
  rules: {
    id?: string | undefined;
    condition: Record<string, unknown>;
    value: FlagRule["value"];
    variant?: string | undefined;
  }[],
): FlagRule[] {
  return rules.map((rule) => ({
    id: rule.id ?? newId("rule"),
    condition: rule.condition,
    value: rule.value,
    ...(rule.variant !== undefined ? { variant: rule.variant } : {}),
  }));
}
