/**
 * Seeded draws for the binomial simulations: arms of a split experiment whose users convert
 * at given rates, cheap enough to repeat thousands of times within a test's time budget.
 */
import type { ProportionSide } from "../../src/stats/index.js";
import { seededRandom } from "../support/random.js";

/** The splits and base rates the issue names: balanced, 90/10 and a 95/5 holdout; 1% and 10%. */
export const SCENARIOS = [0.5, 0.1, 0.05].flatMap((share) =>
  [0.01, 0.1].map((rate) => ({ share, rate })),
);

/**
 * A binomial(n, p) draw by skipping from one success to the next (geometric gaps), so it
 * costs O(n·p + 1) uniform draws rather than n.
 */
export function binomial(n: number, p: number, next: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const logMiss = Math.log1p(-p);
  let position = -1;
  let count = 0;
  for (;;) {
    position += 1 + Math.floor(Math.log(1 - next()) / logMiss);
    if (position >= n) return count;
    count++;
  }
}

/**
 * An experiment of `users`, `share` of them in the treatment (rounded), converting at
 * `rateControl` or `rateTreatment`. The tests condition on the arms' sizes, so a fixed split
 * loses nothing and saves a draw per user.
 */
export function splitExperiment(
  users: number,
  share: number,
  rateControl: number,
  rateTreatment: number,
  next: () => number,
): { control: ProportionSide; treatment: ProportionSide } {
  const nT = Math.round(users * share);
  const nC = users - nT;
  return {
    control: { n: nC, conversions: binomial(nC, rateControl, next) },
    treatment: { n: nT, conversions: binomial(nT, rateTreatment, next) },
  };
}

export { seededRandom };
