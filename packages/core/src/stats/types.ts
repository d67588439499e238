/**
 * The shapes the tests take and return. Variant 0 is the control; every difference is
 * treatment minus control.
 */

/** A two-sided interval `[lower, upper]`. */
export type Interval = [number, number];

/**
 * One arm of a mean metric, as per-user sufficient statistics: `n` users, the sum of their
 * values and the sum of their squared values (each user's own total counts once).
 */
export interface MeanSide {
  n: number;
  sum: number;
  sumSquares: number;
}

/** One arm of a binomial metric: `n` users, of whom `conversions` converted. */
export interface ProportionSide {
  n: number;
  conversions: number;
}

/** Options of the fixed-sample tests. */
export interface TestOptions {
  /** Two-sided significance level, in (0, 1); 0.05 (95% intervals) by default. */
  alpha?: number;
}

/** The absolute effect: treatment minus control, with its interval. */
export interface AbsoluteEffect {
  /** Null only when an arm has no users. */
  estimate: number | null;
  ci: Interval | null;
}

/** The relative effect: (treatment - control) / control, with its delta-method interval. */
export interface RelativeEffect {
  estimate: number;
  ci: Interval | null;
}

/**
 * The result of a two-arm test. `pValue`, `df`, `se` and the intervals are null when the
 * data cannot support them (too few users, no variance); they are never NaN.
 */
export interface TestResult {
  absolute: AbsoluteEffect;
  /** Null when the control's mean (or rate) is 0 or undefined. */
  relative: RelativeEffect | null;
  pValue: number | null;
  /** Welch-Satterthwaite degrees of freedom; always null for the z-test. */
  df: number | null;
  /** Standard error of the absolute effect. */
  se: number | null;
}
