import { NotFoundError } from "../../errors/NotFoundError.js";
import type { Experiment } from "../../schema/experiment.js";
import type { Flag } from "../../schema/flag.js";
import type { EngineContext } from "../context.js";
import type { CompiledExperiment } from "./compile.js";

/**
 * Flags and their experiments named by id or by key, as seed 002's paths name them. Read
 * from the cached definitions' indexes: no scan of every flag, no store round trip when warm.
 */
export interface FlagLookup {
  /** The flag with this id, else the one with this key, or null. */
  find(idOrKey: string): Promise<Flag | null>;
  /**
   * The experiment attached to `flagKey` with this id, else with this key, or null (an
   * experiment of another flag, or of none, is not found here). An unknown flag is `not_found`.
   */
  findExperiment(flagKey: string, idOrKey: string): Promise<Experiment | null>;
}

export function flagLookup(ctx: EngineContext): FlagLookup {
  return {
    async find(idOrKey) {
      ctx.assertOpen();
      const defs = await ctx.definitions.get();
      return defs.flagsById.get(idOrKey) ?? defs.flagsByKey.get(idOrKey) ?? null;
    },

    async findExperiment(flagKey, idOrKey) {
      ctx.assertOpen();
      const defs = await ctx.definitions.get();
      if (!defs.flagsByKey.has(flagKey)) throw new NotFoundError("flag", flagKey);
      const attached = (entry: CompiledExperiment | undefined) =>
        entry?.experiment.flagKey === flagKey ? entry.experiment : undefined;
      return (
        attached(defs.experimentsById.get(idOrKey)) ??
        attached(defs.experimentsByKey.get(idOrKey)) ??
        null
      );
    },
  };
}
