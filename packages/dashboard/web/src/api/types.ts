// The HTTP API's shapes, as far as the dashboard reads them. The dashboard is a client of
// the public API like any other: it knows these JSON shapes, not abkit's internals.

export type ExperimentStatus = "draft" | "running" | "stopped" | "shipped";

/** One decision on an experiment: autopilot's, or a ship by hand. */
export interface ExperimentDecision {
  at: string;
  action: "promote" | "rollback" | "ship";
  by: "autopilot" | "user";
  variantKey: string;
  summary: string;
}
export type MetricKind = "count" | "binomial" | "sum" | "mean" | "ratio";
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Interval = [number, number];

export interface ApiKey {
  id: string;
  organizationId: string;
  projectId: string;
  name: string;
  scopes: ("sdk" | "admin")[];
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface Variant {
  key: string;
  name?: string;
  weight: number;
  config: Json;
}

export interface Guardrail {
  harm: "increase" | "decrease";
  tolerance: number;
  /** `relative` (a share of the control's value, the default) or in the metric's units. */
  toleranceScale?: "relative" | "absolute";
}

export interface Metric {
  name: string;
  kind: MetricKind;
  primary: boolean;
  numerator?: string;
  denominator?: string;
  /** An entity property, or a metric's total over `days` days before exposure. */
  covariate?: string | { metric: string; days: number };
  guardrail?: Guardrail;
  /** Which way is better, when declared (see `MetricResult.direction` for the one read). */
  direction?: "higher" | "lower";
  /** Capping: each entity's total counts as at most this. */
  cap?: number;
}

/** What the experiment is sized for: the smallest effect on its primary metric worth detecting. */
export interface ExperimentPlan {
  mde: number;
  mdeScale: "relative" | "absolute";
  power: number;
  dailyUsers?: number;
}

export interface Experiment {
  id: string;
  key: string;
  name: string;
  description: string;
  status: ExperimentStatus;
  variants: Variant[];
  control?: string;
  segments: string[];
  coverage: number;
  metrics: Metric[];
  environment: string;
  flagKey: string | null;
  /** Set on a holdout: the experiments it covers (null: all). */
  holdout?: { covers: string[] | null } | null;
  /** Entity properties results are broken down by (absent from older servers). */
  dimensions?: string[];
  plan?: ExperimentPlan | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  /** Status `shipped`: the variant everyone gets (absent from older servers). */
  shipped?: { variantKey: string; at: string; by: "autopilot" | "user" } | null;
  /** Decisions, oldest first (absent from older servers). */
  decisions?: ExperimentDecision[];
}

/** What the editor sends on create (with `key`) or as a patch (without). */
export interface ExperimentDraft {
  key?: string;
  name: string;
  description: string;
  variants: Variant[];
  control: string;
  segments: string[];
  coverage: number;
  metrics: Metric[];
  dimensions: string[];
  plan: ExperimentPlan | null;
}

/** The body of `POST /api/v1/plan`. */
export interface PlanRequest {
  metric: "binomial" | "mean";
  baseline: number;
  mde: number;
  mdeType: "relative" | "absolute";
  sd?: number;
  power?: number;
  variants?: number;
  split?: number[];
  dailyUsers?: number;
}

/** What `POST /api/v1/plan` answers. */
export interface PlanAnswer {
  usersPerVariant: number[];
  totalUsers: number;
  days?: number;
  effect: { absolute: number; relative: number | null };
  comparisons: number;
  alphaPerComparison: number;
}

export interface Segment {
  key: string;
  name: string;
  description: string;
}

export interface Comparison {
  absolute: { estimate: number | null; ci: Interval | null };
  relative: { estimate: number; ci: Interval | null } | null;
  pValue: number | null;
  pValueAdjusted: number | null;
  chanceToBeatControl: number | null;
  sequential: { ci: Interval; halfWidth: number } | null;
  cuped: {
    absolute: { estimate: number | null; ci: Interval | null };
    relative: { estimate: number; ci: Interval | null } | null;
    pValue: number | null;
    theta: number | null;
    varianceReduction: number | null;
  } | null;
  guardrail: { status: "ok" | "inconclusive" | "harm"; harm: string; tolerance: number } | null;
  /** How `pValueAdjusted` was corrected; null when it was not (absent from older servers). */
  adjustment?: Adjustment | null;
  /** The Bayesian read of the same data; null when an arm has no users. */
  bayesian?: BayesianComparison | null;
}

/** The correction behind one adjusted p-value: the method and the family it was one of. */
export interface Adjustment {
  method: "holm" | "benjamini-hochberg";
  across: "variants" | "metrics" | "metrics-and-variants" | "slices";
  tests: number;
}

export interface BayesianComparison {
  prior: string;
  absolute: { estimate: number; ci: Interval };
  relative: { estimate: number; ci: Interval } | null;
  chanceToBeatControl: number;
  expectedLoss: { ship: number; keepControl: number };
}

/** One UTC day of a metric's cumulative effect, each treatment on its always-valid interval. */
export interface EffectDay {
  date: string;
  variants: {
    variantKey: string;
    users: number;
    value: number | null;
    /** Null for the control. */
    absolute: { estimate: number | null; ci: Interval | null } | null;
  }[];
}

export interface MetricVerdict {
  kind: "better" | "worse" | "no-detectable-effect" | "keep-running" | "guardrail-harm";
  variantKey: string | null;
  summary: string;
}

export interface Verdict {
  kind: "ship" | "no-detectable-effect" | "guardrail-harm" | "srm" | "keep-running";
  variantKey: string | null;
  metric: string | null;
  summary: string;
  rule: string;
  /** Users (all variants together) still needed for the planned effect; null without a plan. */
  usersNeeded: number | null;
  interval: "always-valid" | "fixed";
}

export interface SliceResult {
  /** Null for the `other` and `none` slices. */
  value: string | null;
  kind: "value" | "other" | "none";
  users: number;
  variants: { key: string; users: number }[];
  metrics: { name: string; variants: VariantMetricResult[] }[];
}

export interface DimensionResult {
  name: string;
  slices: SliceResult[];
}

export interface LogComparison {
  mean: { estimate: number | null; ci: Interval | null; pValue: number | null };
  p50: { estimate: number | null; ci: Interval | null };
  p95: { estimate: number | null; ci: Interval | null };
}

export interface VariantMetricResult {
  variantKey: string;
  users: number;
  n: number;
  usersWithEvents: number;
  events: number;
  value: number | null;
  comparison: Comparison | null;
}

export interface MetricResult {
  name: string;
  kind: MetricKind;
  primary: boolean;
  /** Which way is better; `chanceToBeatControl` reads that way (absent from older servers). */
  direction?: "higher" | "lower";
  declared: boolean;
  numerator?: string;
  denominator?: string;
  covariate?: string | { metric: string; days: number };
  guardrail?: Guardrail;
  cap?: number;
  variants: VariantMetricResult[];
  /** Absent from older servers. */
  effectOverTime?: EffectDay[];
  verdict?: MetricVerdict;
}

export interface LogMetricVariant {
  variantKey: string;
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Against the control's logs; null for the control (absent from older servers). */
  comparison?: LogComparison | null;
}

export interface ExposureDay {
  date: string;
  exposures: Record<string, number>;
  cumulative: Record<string, number>;
}

export interface ExperimentResults {
  experimentKey: string;
  status: ExperimentStatus;
  control: string;
  alpha: number;
  variants: { key: string; weight: number; users: number }[];
  /** Null for a bandit. */
  srm: { chiSquare: number; df: number; pValue: number; mismatch: boolean } | null;
  /** What to do, first (absent from older servers). */
  verdict?: Verdict;
  bandit: {
    floor: number;
    intervalMs: number | null;
    arms: { variantKey: string; weight: number; chanceToBeBest: number }[];
    history: { at: string; weights: Record<string, number> }[];
  } | null;
  metrics: MetricResult[];
  guardrailViolations: {
    metric: string;
    variantKey: string;
    harm: "increase" | "decrease";
    tolerance: number;
    relative: { estimate: number; ci: Interval | null } | null;
  }[];
  logMetrics: { name: string; variants: LogMetricVariant[] }[];
  exposuresOverTime: ExposureDay[];
  correction?: {
    method: "holm" | "benjamini-hochberg";
    across: "variants" | "metrics-and-variants";
  };
  /** The breakdowns by the experiment's dimensions (absent from older servers). */
  dimensions?: DimensionResult[];
}

export interface FlagRule {
  id: string;
  condition: Record<string, unknown>;
  value: Json;
}

/** A flag in seed 002's shape (snake_case). */
export interface Flag {
  id: string;
  key: string;
  name: string;
  flag_type: "boolean" | "string" | "number" | "json";
  default_value: Json;
  enabled: boolean;
  description: string;
  rules: FlagRule[];
}

/** An experiment attached to a flag, in seed 002's shape. */
export interface FlagExperiment {
  id: string;
  key: string;
  name: string;
  status: ExperimentStatus;
  variants: { key: string; value: Json; percentage: number }[];
  conversions: number;
}

/** A score attached to an execution log (a judge's grade, a human's thumbs). */
export interface LogScore {
  name: string;
  value: number;
  /** Who scored (`llm-judge`, `human`), or null. */
  source: string | null;
  createdAt: string;
}

/** One execution of a variant (`GET /api/v1/experiments/:key/logs/:logId`). */
export interface LogRecord {
  id: string;
  variantKey: string;
  entityId?: string | null;
  input: Json;
  output: Json;
  metrics: Record<string, number>;
  context: Json;
  createdAt: string;
  scores?: LogScore[];
}

/** A page of logs, newest first, and how many the server examined to fill it. */
export interface LogPage {
  logs: LogRecord[];
  nextCursor: string | null;
  /** Absent from older servers. */
  scanned?: number;
  /** True when no older log is left to examine; absent from older servers. */
  exhausted?: boolean;
}

/** The log browser's filters, as the API's query parameters. */
export interface LogQuery {
  variant?: string;
  from?: string;
  to?: string;
  scoreName?: string;
  scoreMin?: number;
  scoreMax?: number;
  entityId?: string;
  limit?: number;
  cursor?: string;
}
