import type { AutopilotDecision } from "../../schema/autopilot.js";
import type {
  BanditRebalance,
  Experiment,
  Guardrail,
  Metric,
  MetricDirection,
  MetricKind,
} from "../../schema/experiment.js";
import type { SrmResult } from "../../stats/srmTest.js";
import type { Posterior } from "../../stats/thompson.js";
import type { Interval, RelativeEffect } from "../../stats/types.js";
import type { GuardrailVerdict } from "./guardrails.js";
import type { MetricRow } from "./metricRows.js";
import type { EventDay, ExposureDay } from "./overTime.js";

/** The shapes `results()` returns and the options it takes; `buildResults` fills them in. */

/**
 * One variant's numbers for one metric (users, n, sums, value: see `MetricRow`), with its
 * comparison against the control.
 */
export interface VariantMetricResult extends Omit<MetricRow, "cuped" | "ratio"> {
  /** Against the control; null for the control itself. */
  comparison: Comparison | null;
}

/** A treatment against the control (treatment minus control). */
export interface Comparison {
  absolute: { estimate: number | null; ci: Interval | null };
  /** `(treatment - control) / |control|`, its interval and p-value (see `relativeEffect`). */
  relative: RelativeEffect | null;
  pValue: number | null;
  /** `pValue` corrected for multiple comparisons (see `ExperimentResults.correction`). */
  pValueAdjusted: number | null;
  /**
   * P(treatment is better than control in the metric's `direction`: higher, or lower for a
   * lower-is-better metric); Beta posteriors (binomial) or a normal approximation.
   */
  chanceToBeatControl: number | null;
  /** Always-valid interval for the absolute effect: safe to read at any time. */
  sequential: { ci: Interval; halfWidth: number } | null;
  /** The CUPED-adjusted effect, when the metric names a covariate. */
  cuped: CupedComparison | null;
  /** The guardrail's verdict on this treatment, when the metric is a guardrail. */
  guardrail: GuardrailVerdict | null;
  /** How `pValueAdjusted` was corrected, stated beside it; null when it was not. */
  adjustment: Adjustment | null;
  /**
   * The Bayesian read of the same data (docs/statistics.md, "Bayesian view"); null when an
   * arm has no users or, for a metric that is not binomial, no standard error yet.
   */
  bayesian: BayesianComparison | null;
}

/** The correction behind one adjusted p-value: the method and the family it was one of. */
export interface Adjustment {
  method: "holm" | "benjamini-hochberg";
  /** `variants`: this metric's treatments; `metrics`: every secondary metric's treatments; `slices`: a dimension's slices. */
  across: "variants" | "metrics" | "metrics-and-variants" | "slices";
  /** How many p-values were corrected together. */
  tests: number;
}

/**
 * The Bayesian view of a treatment against the control: posterior summaries under a stated
 * prior, read in the metric's direction.
 */
export interface BayesianComparison {
  /** The prior used, in words (e.g. `Beta(1, 1)`, `flat`). */
  prior: string;
  /** Posterior mean of treatment minus control, with its equal-tailed credible interval. */
  absolute: { estimate: number; ci: Interval };
  /** Posterior of (treatment - control) / |control|; null when the control's value is 0. */
  relative: { estimate: number; ci: Interval } | null;
  /** P(treatment is better than control in the metric's direction). */
  chanceToBeatControl: number;
  /**
   * Expected loss, in the metric's units and direction: what shipping the treatment costs on
   * average if it is in fact worse, and what keeping the control costs if it is worse.
   */
  expectedLoss: { ship: number; keepControl: number };
}

/** The variance-reduced effect (see `cupedTest`), beside the raw one. */
export interface CupedComparison {
  absolute: { estimate: number | null; ci: Interval | null };
  relative: RelativeEffect | null;
  pValue: number | null;
  theta: number | null;
  varianceReduction: number | null;
}

/** One metric across the variants. */
export interface MetricResult {
  name: string;
  kind: MetricKind;
  primary: boolean;
  /** Which way is better (see `metricDirection`); `chanceToBeatControl` reads this way. */
  direction: MetricDirection;
  /** Kind `ratio`: the metrics divided. */
  numerator?: string;
  denominator?: string;
  /** The CUPED covariate (an entity property, or a metric's pre-period), when one is named. */
  covariate?: Metric["covariate"];
  guardrail?: Guardrail;
  /** False for a metric events carry but the experiment does not list (read as `count`). */
  declared: boolean;
  /**
   * What one observation is (see `Metric.unit`): `entity` (users) or `execution` (logs, with
   * `users` of each variant counting its executions that carry the metric).
   */
  unit: "entity" | "execution";
  variants: VariantMetricResult[];
  /** Capping: each entity's total counts as at most this (see `Metric.cap`). */
  cap?: number;
  /**
   * The metric's counted events per UTC day of their time, by variant (see `EventDay`);
   * `[]` for a ratio metric (its two metrics have their own) or without dated events.
   */
  eventsOverTime: EventDay[];
  /** The cumulative effect of each treatment at the end of each UTC day (see `EffectDay`). */
  effectOverTime: EffectDay[];
  /** What this metric says to do (see docs/statistics.md, "Verdicts"). */
  verdict: MetricVerdict;
}

/**
 * One UTC day of a metric's cumulative effect: every entity exposed and every event dated
 * through the end of `date`, each treatment against the control on its always-valid
 * interval (safe to read every day).
 */
export interface EffectDay {
  date: string;
  variants: {
    variantKey: string;
    users: number;
    value: number | null;
    /** Treatment minus control through this day; null for the control. */
    absolute: { estimate: number | null; ci: Interval | null } | null;
  }[];
}

/** What one metric says: which treatment it favours, if any, and in words. */
export interface MetricVerdict {
  kind: "better" | "worse" | "no-detectable-effect" | "keep-running" | "guardrail-harm";
  /** The treatment the verdict is about (the best one, or the harmful one); null for none. */
  variantKey: string | null;
  /** One sentence for people. */
  summary: string;
}

/**
 * What to do with the experiment, from its primary metric, guardrails and sample ratio (the
 * rules are in docs/statistics.md, "Verdicts").
 */
export interface Verdict {
  kind: "ship" | "no-detectable-effect" | "guardrail-harm" | "srm" | "keep-running";
  /** `ship`: the variant to ship; `guardrail-harm`: the treatment that harms; else null. */
  variantKey: string | null;
  /** The metric the verdict rests on; null for `srm` or without a primary metric. */
  metric: string | null;
  /** One sentence for people, with the numbers behind it. */
  summary: string;
  /** The rule that decided, in words. */
  rule: string;
  /** Users (all variants together) still needed to detect the planned effect; null without a plan. */
  usersNeeded: number | null;
  /** Which interval the decision read: always-valid before the planned size, else fixed. */
  interval: "always-valid" | "fixed";
}

/** A dimension's breakdown: the results per value of one entity property. */
export interface DimensionResult {
  name: string;
  /**
   * The 20 values with the most users, then `other` (every other value) and `none` (entities
   * without the property) when they have users.
   */
  slices: SliceResult[];
}

/** One value of a dimension: its users per variant and every metric's comparison there. */
export interface SliceResult {
  /** The property's value; null for the `other` and `none` slices (see `kind`). */
  value: string | null;
  kind: "value" | "other" | "none";
  users: number;
  variants: { key: string; users: number }[];
  /** Each metric in this slice; p-values are adjusted across the dimension's slices. */
  metrics: { name: string; variants: VariantMetricResult[] }[];
}

/** One log metric (latency, tokens...) of one variant. */
export interface LogMetricVariant {
  variantKey: string;
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Against the control's logs; null for the control itself. */
  comparison: LogComparison | null;
}

/** A treatment's log metric against the control's: differences with their intervals. */
export interface LogComparison {
  /** Difference of the means per execution (Welch interval). */
  mean: { estimate: number | null; ci: Interval | null; pValue: number | null };
  /** Differences of the medians and 95th percentiles, intervals from the quantile sketch. */
  p50: { estimate: number | null; ci: Interval | null };
  p95: { estimate: number | null; ci: Interval | null };
}

/** What `results()` returns. */
export interface ExperimentResults {
  experimentKey: string;
  experimentId: string;
  status: Experiment["status"];
  control: string;
  alpha: number;
  variants: { key: string; weight: number; users: number }[];
  /**
   * Sample-ratio mismatch of exposures against the weights; null for a bandit, whose shares
   * move on purpose.
   */
  srm: SrmResult | null;
  /** What to do, first: ship, keep running, stop for harm... (see `Verdict`). */
  verdict: Verdict;
  /** A bandit's arms (live share, posterior, chance to be best) and its reweightings. */
  bandit: BanditResults | null;
  /**
   * Exposures per UTC day, ascending and without gaps, from the first to the last day with
   * one; each entry has every variant key in `exposures` and in the running `cumulative`.
   * Empty without exposures.
   */
  exposuresOverTime: ExposureDay[];
  metrics: MetricResult[];
  /** Every guardrail a treatment breaks (status `harm`), to show apart from the decision. */
  guardrailViolations: GuardrailViolation[];
  /** How `pValueAdjusted` was corrected. */
  correction: Required<MultipleTesting>;
  logMetrics: { name: string; variants: LogMetricVariant[] }[];
  /** The breakdowns by the experiment's `dimensions`, in their order. */
  dimensions: DimensionResult[];
  /** The experiment's latest decision (autopilot's, or a ship by hand); null without one. */
  decision: AutopilotDecision | null;
}

/** What `results()` reports of a bandit instead of fixed-sample tests. */
export interface BanditResults {
  floor: number;
  intervalMs: number | null;
  arms: {
    variantKey: string;
    /** The share of traffic it gets now, in percent. */
    weight: number;
    /** P(this arm has the best primary metric), from the posteriors below. */
    chanceToBeBest: number;
    posterior: Posterior;
  }[];
  history: BanditRebalance[];
}

/** A treatment whose guardrail interval shows harm beyond the tolerated change. */
export interface GuardrailViolation {
  metric: string;
  variantKey: string;
  harm: Guardrail["harm"];
  tolerance: number;
  toleranceScale: Guardrail["toleranceScale"];
  absolute: { estimate: number | null; ci: Interval | null } | null;
  relative: { estimate: number; ci: Interval | null } | null;
}

/**
 * The multiple-comparison correction of `pValueAdjusted`: Holm (family-wise error) or
 * Benjamini-Hochberg (false discovery rate), over the primary metric's treatments and,
 * apart, every secondary metric's treatments together (`metrics`, the default; guardrails
 * are not corrected), over each metric's treatments (`variants`) or over every treatment of
 * every metric but guardrails (`metrics-and-variants`).
 */
export interface MultipleTesting {
  method?: "holm" | "benjamini-hochberg";
  across?: "metrics" | "variants" | "metrics-and-variants";
}

/** Options of `results()`. */
export interface ResultsOptions {
  /** Significance level: 0.05 (95% intervals) by default. */
  alpha?: number;
  /** Holm over the primary metric's treatments, and over every secondary metric's together, by default. */
  correction?: MultipleTesting;
}
