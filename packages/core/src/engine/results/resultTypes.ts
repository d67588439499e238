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
  variants: VariantMetricResult[];
  /**
   * The metric's counted events per UTC day of their time, by variant (see `EventDay`);
   * `[]` for a ratio metric (its two metrics have their own) or without dated events.
   */
  eventsOverTime: EventDay[];
}

/** One log metric (latency, tokens...) of one variant. */
export interface LogMetricVariant {
  variantKey: string;
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
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
 * Benjamini-Hochberg (false discovery rate), over each metric's treatments (`variants`) or
 * over every treatment of every metric but guardrails (`metrics-and-variants`).
 */
export interface MultipleTesting {
  method?: "holm" | "benjamini-hochberg";
  across?: "variants" | "metrics-and-variants";
}

/** Options of `results()`. */
export interface ResultsOptions {
  /** Significance level: 0.05 (95% intervals) by default. */
  alpha?: number;
  /** Holm over each metric's treatments by default. */
  correction?: MultipleTesting;
}
