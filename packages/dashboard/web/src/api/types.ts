// The HTTP API's shapes, as far as the dashboard reads them. The dashboard is a client of
// the public API like any other: it knows these JSON shapes, not abkit's internals.

export type ExperimentStatus = "draft" | "running" | "stopped";
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
  revision: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
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
  variants: VariantMetricResult[];
}

export interface LogMetricVariant {
  variantKey: string;
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
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
