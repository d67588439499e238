/**
 * Seeded pseudo-random numbers: simulations and Monte Carlo estimates that give the same
 * answer on every run.
 */

/**
 * A seeded generator (mulberry32) of floats in [0, 1): the same seed, the same sequence.
 *
 * @example
 * const next = seededRandom(42);
 * next(); // 0.6011037519201636, on every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from two uniform draws of `next` (Box-Muller). */
export function standardNormal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}
