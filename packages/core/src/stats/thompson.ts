/**
 * Thompson sampling's core: each arm's chance to be the best, computed by numerical
 * integration over the arms' posteriors (no simulation, so no Monte Carlo error).
 */
import { ValidationError } from "../errors/ValidationError.js";
import { normalCdf } from "./normal.js";
import { betaDensity, regularizedIncompleteBeta } from "./special.js";

/** What an arm's mean is believed to be: a Beta (rates) or a normal (means) posterior. */
export type Posterior =
  | { kind: "beta"; alpha: number; beta: number }
  | { kind: "normal"; mean: number; sd: number };

/**
 * P(arm i has the highest mean) for each arm, the posteriors independent:
 * `∫ f_i(x) Π_{j≠i} F_j(x) dx` with each arm's density `f` and CDF `F` (the regularized
 * incomplete beta for a Beta arm, Φ for a normal one). The integral is taken by 10-point
 * Gauss-Legendre on panels cut at every arm's mean ± 0.5, 1, ..., 40 standard deviations, so
 * a narrow arm is resolved beside a wide one. Accurate to about 1e-10 absolute (checked
 * against the exact two-arm closed form and 30-digit quadrature); the chances sum to 1.
 * Costs O(arms²) CDF evaluations per node: about a millisecond for 3 arms.
 *
 * @throws ValidationError when a Beta shape is not a positive finite number, or a normal's
 *   mean is not finite or its sd not positive and finite
 *
 * @example
 * chanceToBeBest([
 *   { kind: "beta", alpha: 1 + 50, beta: 1 + 950 },
 *   { kind: "beta", alpha: 1 + 80, beta: 1 + 920 },
 * ]); // [0.00365, 0.99635]
 */
export function chanceToBeBest(posteriors: Posterior[]): number[] {
  const arms = posteriors.map(toArm);
  if (arms.length <= 1) return arms.map(() => 1);
  const cuts = [...new Set(arms.flatMap((arm) => arm.cuts))].sort((a, b) => a - b);
  const totals = arms.map(() => 0);
  const density = arms.map(() => 0);
  const cdf = arms.map(() => 0);
  const suffix = arms.map(() => 1);
  const walk = arms.map((arm) => ({ x: arm.lo, cdf: 0 }));
  for (let p = 1; p < cuts.length; p++) {
    const lo = cuts[p - 1] as number;
    const hi = cuts[p] as number;
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2;
    for (let g = 0; g < NODES.length; g++) {
      const x = mid + half * (NODES[g] as number);
      let below = 0;
      arms.forEach((arm, i) => {
        if (x < arm.lo) below++;
        density[i] = x < arm.lo || x > arm.hi ? 0 : arm.density(x);
        cdf[i] = cdfAt(arm, walk[i]!, x);
      });
      // Every integrand is 0 where two arms or more have all their mass above x.
      if (below >= 2) continue;
      // f_i · Π_{j<i} F_j · Π_{j>i} F_j, with prefix and suffix products (no division by 0).
      for (let i = arms.length - 1; i > 0; i--) suffix[i - 1] = (suffix[i] as number) * cdf[i]!;
      let prefix = 1;
      const weight = half * (WEIGHTS[g] as number);
      for (let i = 0; i < arms.length; i++) {
        totals[i] = totals[i]! + weight * density[i]! * prefix * suffix[i]!;
        prefix *= cdf[i]!;
      }
    }
  }
  const sum = totals.reduce((a, b) => a + b, 0);
  return totals.map((total) => Math.min(1, Math.max(0, total / sum)));
}

// --- Internal helpers ---

const WHAT = "chanceToBeBest input";

// Panel edges in standard deviations from the mean: fine near the mass, wider in the tails.
// Beta(1, b), the most skewed posterior with a flat prior, leaves e^-41 beyond 40 sd; a
// normal leaves 1e-23 beyond 10.
const STEPS = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 10, 13, 17, 22, 30, 40] as const;

// 10-point Gauss-Legendre nodes and weights on [-1, 1].
const NODES = [
  -0.9739065285171717, -0.8650633666889845, -0.6794095682990244, -0.4333953941292472,
  -0.14887433898163122, 0.14887433898163122, 0.4333953941292472, 0.6794095682990244,
  0.8650633666889845, 0.9739065285171717,
] as const;
const WEIGHTS = [
  0.06667134430868814, 0.1494513491505806, 0.21908636251598204, 0.26926671930999635,
  0.29552422471475287, 0.29552422471475287, 0.26926671930999635, 0.21908636251598204,
  0.1494513491505806, 0.06667134430868814,
] as const;

interface Arm {
  lo: number;
  hi: number;
  cuts: number[];
  density: (x: number) => number;
  /** The exact CDF; null: integrate the density from node to node instead (much cheaper). */
  cdf: ((x: number) => number) | null;
}

function toArm(posterior: Posterior, index: number): Arm {
  if (posterior.kind === "normal") {
    const { mean, sd } = posterior;
    if (!Number.isFinite(mean)) throw ValidationError.field([index, "mean"], FINITE, WHAT);
    if (!(sd > 0 && Number.isFinite(sd))) {
      throw ValidationError.field([index, "sd"], POSITIVE, WHAT);
    }
    const scale = 1 / (sd * Math.sqrt(2 * Math.PI));
    return {
      ...span(mean, sd, -10, 10, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
      density: (x) => scale * Math.exp(-0.5 * ((x - mean) / sd) ** 2),
      cdf: (x) => normalCdf((x - mean) / sd),
    };
  }
  const { alpha: a, beta: b } = posterior;
  if (!(a > 0 && Number.isFinite(a))) throw ValidationError.field([index, "alpha"], POSITIVE, WHAT);
  if (!(b > 0 && Number.isFinite(b))) throw ValidationError.field([index, "beta"], POSITIVE, WHAT);
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / (a + b + 1)) / (a + b);
  const arm = span(mean, sd, -40, 40, 0, 1);
  // A shape below 1 puts an (integrable) pole at 0 or 1: panels shrink geometrically into it.
  if (a < 1) arm.cuts.push(...POLE.map((d) => d * arm.hi));
  if (b < 1) arm.cuts.push(...POLE.map((d) => 1 - d * (1 - arm.lo)));
  return {
    ...arm,
    density: betaDensity(a, b),
    // The incomplete beta costs ~30 µs at 10^6 users; with a pole the density is not smooth.
    cdf: a < 1 || b < 1 ? (x) => regularizedIncompleteBeta(x, a, b) : null,
  };
}

const FINITE = "must be a finite number";
const POSITIVE = "must be a positive finite number";
const POLE = Array.from({ length: 30 }, (_, k) => 2 ** -(k + 1));

// The panel edges mean + sd · STEPS within [from, to] standard deviations and [min, max].
function span(mean: number, sd: number, from: number, to: number, min: number, max: number) {
  const lo = Math.max(min, mean + from * sd);
  const hi = Math.min(max, mean + to * sd);
  const cuts = [lo, hi];
  for (const step of STEPS) {
    for (const x of [mean - step * sd, mean + step * sd]) if (x > lo && x < hi) cuts.push(x);
  }
  return { lo, hi, cuts };
}

// F(x) for nodes visited in ascending order: the exact CDF, or the last node's value plus
// 5-point Gauss-Legendre of the density over the gap (a small fraction of a standard
// deviation near the mass, so exact to rounding; the mass below `lo` is under 1e-17).
function cdfAt(arm: Arm, walk: { x: number; cdf: number }, x: number): number {
  if (x <= arm.lo) return 0;
  if (x >= arm.hi) return 1;
  if (arm.cdf) return arm.cdf(x);
  const mid = (walk.x + x) / 2;
  const half = (x - walk.x) / 2;
  let sum = 0;
  for (let g = 0; g < GAP_NODES.length; g++) {
    sum += (GAP_WEIGHTS[g] as number) * arm.density(mid + half * (GAP_NODES[g] as number));
  }
  walk.x = x;
  walk.cdf = Math.min(1, walk.cdf + half * sum);
  return walk.cdf;
}

// 5-point Gauss-Legendre on [-1, 1].
const GAP_NODES = [
  -0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664,
] as const;
const GAP_WEIGHTS = [
  0.23692688505618908, 0.47862867049936647, 0.5688888888888889, 0.47862867049936647,
  0.23692688505618908,
] as const;
