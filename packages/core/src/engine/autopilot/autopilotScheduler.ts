import { sameJson } from "../../lifecycle/frozenFields.js";
import type { Experiment } from "../../schema/experiment.js";
import type { EngineContext } from "../context.js";
import type { CompiledDefinitions } from "../evaluation/compile.js";
import { startTicker } from "../ticker.js";
import { runAutopilot } from "./runAutopilot.js";

/**
 * Every `checkMs`, runs an autopilot check of this project's running experiments that have a
 * policy, each at most once per its `intervalMs` in this process, and of stopped ones whose
 * last decision may still owe a flag its default. Several processes may run it: the
 * revision-checked writes let one of them decide. The timer never keeps the process alive.
 */
export function startAutopilotScheduler(
  ctx: EngineContext,
  checkMs: number,
  now: () => number = Date.now,
): { stop(): void } {
  const lastChecked = new Map<string, number>();
  // A failed definitions read waits for the next tick (see `startTicker`).
  return startTicker(checkMs, async () => {
    const defs = await ctx.definitions.get();
    for (const { experiment } of defs.experimentsById.values()) {
      const policy = experiment.autopilot;
      const owes = owesFlag(defs, experiment);
      if (!owes && (!policy || experiment.status !== "running")) continue;
      const last = lastChecked.get(experiment.id);
      if (!owes && policy && last !== undefined && now() - last < policy.intervalMs) continue;
      lastChecked.set(experiment.id, now());
      // A failed check (store down) is tried again on the next tick.
      await runAutopilot(ctx, experiment.key).catch(() => lastChecked.delete(experiment.id));
    }
  });
}

// --- Internal helpers ---

// A stopped experiment whose last decision names a flag default not set yet, on the flag
// as it was when decided (read from the cached definitions: no store call).
function owesFlag(defs: CompiledDefinitions, experiment: Experiment): boolean {
  const target = experiment.status === "stopped" ? experiment.decisions?.at(-1)?.flag : null;
  if (!target) return false;
  const flag = defs.flagsByKey.get(target.key);
  return flag?.revision === target.revision && !sameJson(flag.defaultValue, target.value);
}
