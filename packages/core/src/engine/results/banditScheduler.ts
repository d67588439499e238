import type { EngineContext } from "../context.js";
import { startTicker } from "../ticker.js";
import { rebalanceBandit } from "./bandit.js";

/**
 * Every `checkMs`, rebalances this project's running bandits whose `intervalMs` has passed
 * since their last rebalance. Several processes may run it: the revision-checked write lets
 * one of them rebalance per interval. The timer never keeps the process alive.
 */
export function startBanditScheduler(ctx: EngineContext, checkMs: number): { stop(): void } {
  // A failed definitions read waits for the next tick (see `startTicker`).
  return startTicker(checkMs, async () => {
    const defs = await ctx.definitions.get();
    for (const { experiment } of defs.experimentsById.values()) {
      if (experiment.status !== "running" || !experiment.bandit?.intervalMs) continue;
      // A failed rebalance (store down) is tried again on the next tick.
      await rebalanceBandit(ctx, experiment.key, { onlyIfDue: true }).catch(() => {});
    }
  });
}
