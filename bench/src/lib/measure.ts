/** Runs `round` (which does `opsPerRound` operations) until `ms` elapse; returns ops/s. */
export async function rate(
  round: () => Promise<void> | void,
  opsPerRound: number,
  ms: number,
): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    await round();
    ops += opsPerRound;
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000;
}

/** Warms up for `warmMs`, then measures for `ms`: ops/s of the measured part. */
export async function warmRate(
  round: () => Promise<void> | void,
  opsPerRound: number,
  warmMs: number,
  ms: number,
): Promise<number> {
  await rate(round, opsPerRound, warmMs);
  return rate(round, opsPerRound, ms);
}

/** Median of `samples` timings of `work`, in ms. */
export async function medianMs(work: () => Promise<unknown>, samples: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
