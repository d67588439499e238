import { seededRandom, standardNormal } from "../../src/stats/random.js";

export { seededRandom };

/** Standard normal draws from a seeded generator (Box-Muller). */
export function seededNormal(seed: number): () => number {
  const next = seededRandom(seed);
  return () => standardNormal(next);
}
