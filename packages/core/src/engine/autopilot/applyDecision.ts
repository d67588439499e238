import { isAbkitError } from "../../errors/AbkitError.js";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { sameJson } from "../../lifecycle/frozenFields.js";
import { type AutopilotDecision, DECISIONS_LIMIT } from "../../schema/autopilot.js";
import type { Experiment } from "../../schema/experiment.js";
import { writeDefinition } from "../admin/writeDefinition.js";
import type { EngineContext } from "../context.js";

/**
 * Writes a decision and the status change it makes in one revision-checked write of the
 * experiment: attached to a flag, the experiment stops and the decision names the flag's
 * new default (set afterwards by `completeFlag`); otherwise it becomes `shipped` with the
 * decision's variant. `guard` runs on the record as stored at the moment of writing and
 * throws to refuse (the caller's status rule), so that of several processes deciding at
 * once only the first writes. Returns the record written.
 */
export async function applyDecision(
  ctx: EngineContext,
  key: string,
  decision: Omit<AutopilotDecision, "flag">,
  guard: (current: Experiment) => void,
): Promise<Experiment> {
  return writeDefinition(ctx, "experiment", key, (defs, current) => {
    if (!current) throw new NotFoundError("experiment", key);
    guard(current);
    const variant = current.variants.find((entry) => entry.key === decision.variantKey);
    if (!variant) {
      throw ValidationError.field(
        ["variantKey"],
        `"${decision.variantKey}" is not a variant of experiment "${key}"`,
        "ship",
      );
    }
    const flag = current.flagKey === null ? undefined : defs.flagsByKey.get(current.flagKey);
    // A rollback leaves the flag's default as it is: the default is what the control serves.
    const flagChange =
      flag && decision.action !== "rollback"
        ? { key: flag.key, revision: flag.revision, value: variant.config }
        : null;
    const stopped = current.flagKey !== null;
    return {
      ...current,
      status: stopped ? "stopped" : "shipped",
      stoppedAt: current.stoppedAt ?? decision.at,
      shipped: stopped ? null : { variantKey: variant.key, at: decision.at, by: decision.by },
      decisions: [...(current.decisions ?? []), { ...decision, flag: flagChange }].slice(
        -DECISIONS_LIMIT,
      ),
      revision: current.revision + 1,
      updatedAt: decision.at,
    };
  });
}

/**
 * Sets the flag default the experiment's last decision names, if it is not set yet: only
 * while the flag is still at the revision the decision read (a later change to the flag, by
 * this or anyone, stands), in a revision-checked write, so that it happens once however many
 * processes try. Returns whether this call set it.
 */
export async function completeFlag(ctx: EngineContext, experiment: Experiment): Promise<boolean> {
  const last = experiment.decisions?.at(-1);
  const target = last?.flag;
  if (!last || !target) return false;
  const flag = (await ctx.definitions.latest()).flagsByKey.get(target.key);
  if (!flag || flag.revision !== target.revision || sameJson(flag.defaultValue, target.value)) {
    return false;
  }
  try {
    await writeDefinition(ctx, "flag", target.key, (_defs, current) => {
      if (!current || current.revision !== target.revision) throw ALREADY_SET;
      return {
        ...current,
        defaultValue: target.value,
        defaultVariant: last.variantKey,
        revision: current.revision + 1,
        updatedAt: new Date().toISOString(),
      };
    });
    return true;
  } catch (error) {
    if (error === ALREADY_SET || (isAbkitError(error) && error.code === "conflict")) return false;
    throw error;
  }
}

/** Thrown by a guard when another process decided first: the caller reports it, not an error. */
export const DECIDED_ELSEWHERE = new Error("decided elsewhere");

// --- Internal helpers ---

const ALREADY_SET = new Error("flag already set");
