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

/**
 * The relative effect: (treatment - control) / |control|, so that its sign is the absolute
 * effect's even when the control's value is negative, with its interval (see
 * `relativeEffect`).
 */
export interface RelativeEffect {
  estimate: number;
  ci: Interval | null;
  /**
   * The two-sided p-value of "no relative change", from the same test as `ci`: the interval
   * excludes 0 exactly when `pValue < alpha`. Null when the data cannot support the test
   * (no variance, too few users).
   */
  pValue: number | null;
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

/**
 * One arm for CUPED: per-user outcomes `y` and pre-exposure covariates `x`, as sums over
 * its `n` users (a user without a covariate counts with x = 0).
 */
export interface CupedSide {
  n: number;
  sumY: number;
  sumY2: number;
  sumX: number;
  sumX2: number;
  sumXY: number;
}

/** `welchTest`'s result on the CUPED-adjusted outcome, with the adjustment's coefficient. */
export interface CupedResult extends TestResult {
  /** The pooled within-arm regression slope of y on x; null when x has no variance. */
  theta: number | null;
  /** Share of the effect's variance the adjustment removed (about ρ²); null when undefined. */
  varianceReduction: number | null;
}

/**
 * One arm of a ratio metric (Σ numerator / Σ denominator over its `n` users): per-user
 * numerator and denominator totals as sums, sums of squares and the sum of their products.
 */
export interface RatioSide {
  n: number;
  sumNumerator: number;
  sumNumerator2: number;
  sumDenominator: number;
  sumDenominator2: number;
  sumProducts: number;
}

/** A ratio metric's comparison: the difference of the two ratios, with each arm's ratio. */
export interface RatioResult extends TestResult {
  /** Each arm's ratio and its delta-method standard error (null when undefined). */
  control: { ratio: number | null; se: number | null };
  treatment: { ratio: number | null; se: number | null };
}
