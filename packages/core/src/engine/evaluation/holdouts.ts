import type { Attributes } from "../../conditions/index.js";
import type { Experiment } from "../../schema/experiment.js";
import type { EngineContext } from "../context.js";
import { assignVariant, peekVariant } from "./assignVariant.js";
import type { CompiledDefinitions } from "./compile.js";

/**
 * True when a running holdout covering `experiment` holds the entity out. Every covering
 * holdout records the entity (in `holdout` or `exposed`) as it would any experiment, so the
 * holdout's results compare the two; `peek` records nothing.
 */
export async function heldOut(
  ctx: EngineContext,
  defs: CompiledDefinitions,
  experiment: Experiment,
  entityId: string,
  properties: Attributes,
  environment: string,
  mode: "assign" | "peek",
): Promise<boolean> {
  if (defs.holdouts.length === 0 || experiment.holdout) return false;
  let out = false;
  for (const holdout of defs.holdouts) {
    const { covers } = holdout.experiment.holdout ?? { covers: null };
    if (holdout.experiment.status !== "running") continue;
    if (covers !== null && !covers.includes(experiment.key)) continue;
    const decide = mode === "assign" ? assignVariant : peekVariant;
    const { variant } = await decide(ctx, holdout, entityId, properties, environment);
    if (variant?.key === "holdout") out = true;
  }
  return out;
}
