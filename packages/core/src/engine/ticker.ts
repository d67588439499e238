/**
 * Runs `work` every `everyMs`, never two runs at once (a slow run makes the next tick skip).
 * A run that throws (the store down, say) is simply tried again on the next tick. The timer
 * never keeps the process alive.
 *
 * @example
 * const ticker = startTicker(5000, () => rebalanceDueBandits(ctx));
 * ticker.stop();
 */
export function startTicker(everyMs: number, work: () => Promise<void>): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await work();
    } catch {
      // The next tick tries again.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
