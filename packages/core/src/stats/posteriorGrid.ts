/**
 * Deterministic numerical integration over two independent posteriors: the distribution of
 * a difference or a relative difference, without simulation.
 */

/**
 * A posterior tabulated on an even grid over its support, scaled so its mass is 1: the
 * density, the CDF and the partial expectation `E[X; X <= x]` at each point (Simpson's rule
 * on each cell, with the density at its midpoint), and Simpson's nodes for integrating a
 * function over the posterior. A point mass has one point.
 */
export interface PosteriorGrid {
  points: Float64Array;
  density: Float64Array;
  cdf: Float64Array;
  partial: Float64Array;
  nodes: Nodes;
  mean: number;
}

/** Quadrature nodes: `E[g(X)] ≈ Σ weight_i g(at_i)`. */
export interface Nodes {
  weight: Float64Array;
  at: Float64Array;
}

/** Points on each grid: cells of 0.1 standard deviations over the mean ∓ `GRID_REACH` sd. */
export const GRID_POINTS = 401;
/** How many standard deviations the grid reaches each side of the mean. */
export const GRID_REACH = 20;

/**
 * Tabulates `density` (unnormalized) over `[lo, hi]` on `size` points (`GRID_POINTS` by
 * default). With `lo === hi`, a point mass.
 */
export function tabulate(
  density: (x: number) => number,
  lo: number,
  hi: number,
  size = GRID_POINTS,
): PosteriorGrid {
  if (!(hi > lo)) return pointMass(lo);
  const step = (hi - lo) / (size - 1);
  const points = new Float64Array(size);
  const values = new Float64Array(size);
  const cdf = new Float64Array(size);
  const partial = new Float64Array(size);
  const middles = new Float64Array(size - 1);
  for (let i = 0; i < size; i++) {
    points[i] = lo + i * step;
    values[i] = density(points[i] as number);
  }
  for (let i = 1; i < size; i++) {
    const [x0, x1] = [points[i - 1] as number, points[i] as number];
    const [f0, f1] = [values[i - 1] as number, values[i] as number];
    const xm = (x0 + x1) / 2;
    const fm = density(xm);
    middles[i - 1] = fm;
    cdf[i] = (cdf[i - 1] as number) + (step / 6) * (f0 + 4 * fm + f1);
    partial[i] = (partial[i - 1] as number) + (step / 6) * (x0 * f0 + 4 * xm * fm + x1 * f1);
  }
  const total = cdf[size - 1] as number;
  for (let i = 0; i < size; i++) {
    values[i] = (values[i] as number) / total;
    cdf[i] = (cdf[i] as number) / total;
    partial[i] = (partial[i] as number) / total;
  }
  const weight: number[] = [];
  const at: number[] = [];
  const add = (x: number, w: number) => {
    if (w > NEGLIGIBLE) {
      weight.push(w);
      at.push(x);
    }
  };
  for (let i = 0; i < size; i++) {
    const ends = i === 0 || i === size - 1 ? 1 : 2;
    add(points[i] as number, ((ends * step) / 6) * (values[i] as number));
    if (i < size - 1)
      add(lo + (i + 0.5) * step, ((4 * step) / 6) * ((middles[i] as number) / total));
  }
  return {
    points,
    density: values,
    cdf,
    partial,
    nodes: { weight: Float64Array.from(weight), at: Float64Array.from(at) },
    mean: partial[size - 1] as number,
  };
}

/** `P(X <= x)`, cubic (Hermite, with the density as slope) between the grid's points. */
export function gridCdf(grid: PosteriorGrid, x: number): number {
  return hermite(grid, grid.cdf, x, 1, false);
}

/** `E[X; X <= x]`, cubic (Hermite, with `x · density` as slope) between the grid's points. */
export function gridPartial(grid: PosteriorGrid, x: number): number {
  return hermite(grid, grid.partial, x, grid.mean, true);
}

/**
 * `P(T <= C + shift + scale · |C|)` for independent `C` (its nodes) and `T` (its CDF):
 * `Σ_nodes w · F_T(c + shift + scale · |c|)`. `shift = d, scale = 0` gives `P(T - C <= d)`;
 * `shift = 0, scale = r` gives `P((T - C) / |C| <= r)`.
 */
export function mixtureCdf(
  control: Nodes,
  treatmentCdf: (x: number) => number,
  shift: number,
  scale: number,
): number {
  let sum = 0;
  for (let i = 0; i < control.weight.length; i++) {
    const c = control.at[i] as number;
    sum += (control.weight[i] as number) * treatmentCdf(c + shift + scale * Math.abs(c));
  }
  return sum;
}

/**
 * The `p`-quantile of a continuous, increasing `cdf`, from a bracket that `start ∓ scale`
 * widens until it holds it; regula falsi with the Illinois step, to about 1e-10 `scale`.
 */
export function quantile(
  cdf: (x: number) => number,
  p: number,
  start: number,
  scale: number,
): number {
  const unit = scale > 0 ? scale : 1;
  let lo = start - unit;
  let hi = start + unit;
  for (let width = unit; cdf(lo) > p && width < 1e300; width *= 2) lo = start - 2 * width;
  for (let width = unit; cdf(hi) < p && width < 1e300; width *= 2) hi = start + 2 * width;
  let fLo = cdf(lo) - p;
  let fHi = cdf(hi) - p;
  const tolerance = 1e-10 * unit;
  let side = 0;
  for (let i = 0; i < 200 && hi - lo > tolerance; i++) {
    const x = fHi === fLo ? (lo + hi) / 2 : lo - (fLo * (hi - lo)) / (fHi - fLo);
    const middle = Math.min(Math.max(x, lo), hi);
    const f = cdf(middle) - p;
    if (f === 0) return middle;
    if (f < 0) {
      [lo, fLo] = [middle, f];
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      [hi, fHi] = [middle, f];
      if (side === 1) fLo /= 2;
      side = 1;
    }
    // A flat stretch of the CDF (beyond the grid) falls back to halving now and then.
    if (i % 8 === 7) {
      const half = (lo + hi) / 2;
      const fHalf = cdf(half) - p;
      if (fHalf < 0) [lo, fLo] = [half, fHalf];
      else [hi, fHi] = [half, fHalf];
    }
  }
  return (lo + hi) / 2;
}

// --- Internal helpers ---

// Nodes below this weight change no quantile or expectation that matters.
const NEGLIGIBLE = 1e-16;

function pointMass(at: number): PosteriorGrid {
  return {
    points: Float64Array.of(at),
    density: Float64Array.of(0),
    cdf: Float64Array.of(1),
    partial: Float64Array.of(at),
    nodes: { weight: Float64Array.of(1), at: Float64Array.of(at) },
    mean: at,
  };
}

// Cubic Hermite interpolation of `values` (the CDF or the partial expectation), whose slope
// at each point is the density (times x for the partial expectation).
function hermite(
  grid: PosteriorGrid,
  values: Float64Array,
  x: number,
  whole: number,
  timesX: boolean,
): number {
  const { points, density } = grid;
  const last = points.length - 1;
  const first = points[0] as number;
  if (x < first) return 0;
  if (last === 0) return whole;
  const end = points[last] as number;
  if (x >= end) return whole;
  const step = (end - first) / last;
  const position = (x - first) / step;
  const i = Math.min(Math.floor(position), last - 1);
  const t = position - i;
  const x0 = points[i] as number;
  const x1 = points[i + 1] as number;
  const slope0 = (density[i] as number) * (timesX ? x0 : 1);
  const slope1 = (density[i + 1] as number) * (timesX ? x1 : 1);
  const t2 = t * t;
  const t3 = t2 * t;
  return (
    (2 * t3 - 3 * t2 + 1) * (values[i] as number) +
    (t3 - 2 * t2 + t) * step * slope0 +
    (-2 * t3 + 3 * t2) * (values[i + 1] as number) +
    (t3 - t2) * step * slope1
  );
}
