import { isAbkitError } from "../../errors/AbkitError.js";
import { NotFoundError } from "../../errors/NotFoundError.js";
import { assertShippable } from "../../lifecycle/transitions.js";
import type { AutopilotDecision } from "../../schema/autopilot.js";
import type { Experiment } from "../../schema/experiment.js";
import type { EngineContext } from "../context.js";
import { experimentResults } from "../results/results.js";
import { applyDecision, completeFlag, DECIDED_ELSEWHERE } from "./applyDecision.js";
import { AUTOPILOT_RULES, readAutopilot } from "./autopilotRead.js";

/** What one autopilot check did: the decision it made, or why it made none. */
export interface AutopilotOutcome {
  /** The decision this check wrote; null when it wrote none. */
  decision: AutopilotDecision | null;
  /** The decision's summary, or why there is none (policy not met, off, decided elsewhere). */
  reason: string;
  /** Whether this check set an attached flag's default (a promotion's, now or left pending). */
  flagUpdated: boolean;
  /** The experiment as this check left it. */
  experiment: Experiment;
}

/**
 * One autopilot check of an experiment: completes a flag default a promotion left unset,
 * then, on a running experiment with a policy, reads its results at `alpha = 1 - chance` and
 * writes the decision the policy makes, if any (see `readAutopilot`). The write is
 * revision-checked and refused once the experiment has left `running`: when processes check
 * at once, one decides and the others report `decided elsewhere`.
 */
export async function runAutopilot(ctx: EngineContext, key: string): Promise<AutopilotOutcome> {
  ctx.assertOpen();
  const experiment = await latestExperiment(ctx, key);
  const pending = await completeFlag(ctx, experiment);
  const none = (reason: string, current = experiment): AutopilotOutcome => ({
    decision: null,
    reason,
    flagUpdated: pending,
    experiment: current,
  });
  const policy = experiment.autopilot;
  if (!policy) return none(`Autopilot is off for experiment "${key}".`);
  if (experiment.status !== "running") {
    return none(`Experiment "${key}" is ${experiment.status}: autopilot acts on a running one.`);
  }
  // Rounded so that 0.95 reads at alpha 0.05 exactly, as `results({ alpha: 0.05 })` does.
  const alpha = Number((1 - policy.promote.chance).toFixed(10));
  const results = await experimentResults(ctx, key, { alpha });
  const read = readAutopilot(experiment, policy, results);
  if (read.action === null) return none(read.reason);
  const decision: Omit<AutopilotDecision, "flag"> = {
    at: new Date().toISOString(),
    action: read.action,
    by: "autopilot",
    variantKey: read.variantKey,
    rule: read.rule,
    summary: read.summary,
    metric: read.metric,
    numbers: read.numbers,
  };
  let written: Experiment;
  try {
    written = await applyDecision(ctx, key, decision, (current) => {
      if (current.status !== "running" || !current.autopilot) throw DECIDED_ELSEWHERE;
    });
  } catch (error) {
    const elsewhere =
      error === DECIDED_ELSEWHERE || (isAbkitError(error) && error.code === "conflict");
    if (!elsewhere) throw error;
    // Another process changed the experiment first: its decision (or change) stands.
    return none(
      "Decided elsewhere: the experiment changed while this check ran.",
      await latestExperiment(ctx, key),
    );
  }
  // The flag is written after the experiment: if this fails, the next check completes it.
  const flagUpdated = await completeFlag(ctx, written).catch(() => false);
  return {
    decision: written.decisions?.at(-1) ?? null,
    reason: read.summary,
    flagUpdated,
    experiment: written,
  };
}

/**
 * Ships `variantKey` by hand (`by: "user"`): a running or stopped experiment becomes
 * `shipped`, or, attached to a flag, stops with the flag's default set to the variant's value.
 */
export async function shipExperiment(
  ctx: EngineContext,
  key: string,
  variantKey: string,
): Promise<Experiment> {
  ctx.assertOpen();
  const written = await applyDecision(
    ctx,
    key,
    {
      at: new Date().toISOString(),
      action: "ship",
      by: "user",
      variantKey,
      rule: AUTOPILOT_RULES.manual,
      summary: `Shipped ${variantKey} by hand.`,
      metric: null,
      numbers: null,
    },
    (current) => assertShippable(current.status),
  );
  await completeFlag(ctx, written);
  return written;
}

// --- Internal helpers ---

async function latestExperiment(ctx: EngineContext, key: string): Promise<Experiment> {
  const experiment = (await ctx.definitions.latest()).experimentsByKey.get(key)?.experiment;
  if (!experiment) throw new NotFoundError("experiment", key);
  return experiment;
}
