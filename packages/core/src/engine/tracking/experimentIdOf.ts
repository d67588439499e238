import { NotFoundError } from "../../errors/NotFoundError.js";
import type { EngineContext } from "../context.js";

/** The id of the project's experiment with this key; `not_found` when there is none. */
export async function experimentIdOf(ctx: EngineContext, experimentKey: string): Promise<string> {
  const experiment = (await ctx.definitions.get()).experimentsByKey.get(experimentKey)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", experimentKey);
  return experiment.id;
}
