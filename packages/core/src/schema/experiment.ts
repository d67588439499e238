import * as z from "zod";
import {
  type Autopilot,
  type AutopilotDecision,
  autopilotSchema,
  type ShippedVariant,
} from "./autopilot.js";
import {
  DEFAULT_ENVIRONMENT,
  descriptionSchema,
  environmentSchema,
  jsonSchema,
  keySchema,
  nameSchema,
} from "./common.js";
import { patchShape } from "./patch.js";

/** The sum variant weights must reach, in percent. */
export const WEIGHT_TOTAL = 100;
const WEIGHT_TOLERANCE = 1e-6;

/** One arm of an experiment: a key, its share of traffic in percent and its config. */
export const variantSchema = z.strictObject({
  key: keySchema,
  name: nameSchema.optional(),
  /** Share of enrolled traffic, in percent (all weights sum to 100). */
  weight: z.number().min(0, "must be at least 0").max(100, "must be at most 100"),
  /** What the app receives for this variant: a prompt and temperature, a flag value, any JSON. */
  config: jsonSchema.default(null),
});

/**
 * How a metric aggregates per entity; `ratio` divides two other metrics' totals per variant
 * (tokens per conversation).
 */
export const metricKindSchema = z.enum(["count", "binomial", "sum", "mean", "ratio"]);

/**
 * A guardrail: a metric that must not get worse by more than `tolerance` in the direction
 * `harm` names; results flag a variant whose interval shows more. The tolerance is relative
 * (0.05 is 5% of the control's value) or, with `toleranceScale: "absolute"`, in the
 * metric's own units (50 ms, 0.01 errors per user).
 */
export const guardrailSchema = z
  .strictObject({
    /** The direction that hurts: `increase` for latency or errors, `decrease` for retention. */
    harm: z.enum(["increase", "decrease"]),
    /** The change tolerated in that direction: 0.02 for 2% (relative), or metric units. */
    tolerance: z.number().min(0, "must be at least 0").default(0),
    /** Whether `tolerance` is a share of the control's value or in the metric's units. */
    toleranceScale: z.enum(["relative", "absolute"]).default("relative"),
  })
  .refine((guardrail) => guardrail.toleranceScale === "absolute" || guardrail.tolerance <= 10, {
    message: "must be at most 10 (a relative tolerance)",
    path: ["tolerance"],
  });

/** Which way a metric is better: `higher` (the default) or `lower`. */
export const metricDirectionSchema = z.enum(["higher", "lower"]);

/** A CUPED covariate from tracked history: a metric's per-entity total before exposure. */
export const prePeriodSchema = z.strictObject({
  metric: keySchema,
  days: z.number().int().min(1, "must be at least 1").max(366, "must be at most 366"),
});

/** The name a covariate's sums are kept under: the property, or `pre:<metric>:<days>d`. */
export function covariateName(covariate: string | PrePeriod): string {
  return typeof covariate === "string" ? covariate : `pre:${covariate.metric}:${covariate.days}d`;
}

/** A metric an experiment reads; events name it by `name`. */
export const metricSchema = z.strictObject({
  name: keySchema,
  kind: metricKindSchema,
  /** The metric that decides the experiment; at most one per experiment. */
  primary: z.boolean().default(false),
  /** Kind `ratio`: the metrics whose per-variant totals are divided (`numerator / denominator`). */
  numerator: keySchema.optional(),
  denominator: keySchema.optional(),
  /**
   * CUPED: what predicts this metric from before the experiment. Either a numeric entity
   * property read when the entity is first exposed (evaluate's `properties`), or a metric's
   * per-entity total over the `days` UTC days before the day of first exposure. Results then
   * report the variance-reduced effect beside the raw one.
   */
  covariate: z.union([keySchema, prePeriodSchema]).optional(),
  guardrail: guardrailSchema.optional(),
  /**
   * Which way is better: `higher` (conversion, revenue) or `lower` (latency, tokens, errors).
   * Results read "chance to beat control" in this direction; effects keep their sign. Left
   * out, a guardrail's `harm` decides (`increase` hurts: lower is better), else `higher`.
   */
  direction: metricDirectionSchema.optional(),
  /**
   * Capping (winsorization): each entity's total of this metric counts as at most `cap` in
   * the metric's sums, so one outlier cannot swing the result. Kept exactly as events arrive.
   */
  cap: z.number().positive("must be above 0").max(1e12, "must be at most 1e12").optional(),
  /**
   * What one observation is: `entity` (the default) reads per-entity totals of events, log
   * metrics and scores of logs that name an entity; `execution` reads every execution (log)
   * as one unit: its log metric or score of this name, averaged per execution (kind `mean`).
   */
  unit: z.enum(["entity", "execution"]).optional(),
});

/** The direction a metric is read in: its own, else its guardrail's, else `higher`. */
export function metricDirection(metric: Pick<Metric, "direction" | "guardrail">): MetricDirection {
  if (metric.direction) return metric.direction;
  return metric.guardrail?.harm === "increase" ? "lower" : "higher";
}

/** A slice of a namespace: experiments in one namespace with disjoint ranges never share an entity. */
export const namespaceSchema = z
  .strictObject({
    id: keySchema,
    range: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]),
  })
  .refine(({ range }) => range[0] < range[1], {
    message: "range start must be below its end",
    path: ["range"],
  });

/**
 * Makes an experiment a holdout: the entities its `holdout` variant draws (by its own hash
 * seed) are kept out of every experiment it covers and get the default; its `exposed`
 * variant is everyone else, measured against them.
 */
export const holdoutSchema = z.strictObject({
  /** Keys of the experiments it covers; null for every experiment of the project. */
  covers: z.array(keySchema).max(1000).nullable().default(null),
});

/**
 * Makes an experiment a multi-armed bandit on its primary metric (binomial or mean): its
 * traffic shares move toward the arms likely to be best (Thompson sampling), never below
 * `floor`, while every assignment already made stays.
 */
export const banditSchema = z.strictObject({
  /** The least share each arm keeps, in percent of traffic, so exploration never stops. */
  floor: z.number().min(0, "must be at least 0").max(50, "must be at most 50").default(5),
  /** Rebalance on its own at most this often, in ms; null: only when the app calls rebalance(). */
  intervalMs: z.number().int().min(1000, "must be at least 1000").nullable().default(null),
});

/** One reweighting of a bandit: when, the shares it set, and each arm's chance to be best. */
export interface BanditRebalance {
  at: string;
  /** Variant key -> share of traffic in percent (they sum to 100). */
  weights: Record<string, number>;
  chanceToBeBest: Record<string, number>;
}

/** A bandit's current shares and every change made to them, oldest first. */
export interface BanditState {
  weights: Record<string, number>;
  history: BanditRebalance[];
}

/**
 * What the experiment is sized for: the smallest effect on its primary metric worth
 * detecting, with the power to detect it. Results turn it into the users still needed and
 * read the verdict before that size on the always-valid interval.
 */
export const experimentPlanSchema = z.strictObject({
  /** The minimum detectable effect: 0.05 is +5% of the control's value (relative) by default. */
  mde: z.number().positive("must be above 0"),
  mdeScale: z.enum(["relative", "absolute"]).default("relative"),
  /** The chance of detecting an effect of `mde` when it is real. */
  power: z.number().gt(0, "must be above 0").lt(1, "must be below 1").default(0.8),
  /** Expected users entering per day, to turn users needed into days. */
  dailyUsers: z.number().positive("must be above 0").optional(),
});

/** Token prices of one variant, per 1,000 tokens, in the currency the costs are read in. */
export const variantPricingSchema = z.strictObject({
  input: z.number().min(0).max(1e6),
  output: z.number().min(0).max(1e6),
});

/**
 * Prices each execution: a log of a priced variant that carries token counts and no metric
 * named `metric` gets one, `inputTokens / 1000 · input + outputTokens / 1000 · output`.
 */
export const pricingSchema = z.strictObject({
  /** variant key -> its token prices; unpriced variants' logs keep what they carry. */
  variants: z.record(keySchema, variantPricingSchema),
  /** The log metrics holding the token counts. */
  inputTokens: keySchema.default("input_tokens"),
  outputTokens: keySchema.default("output_tokens"),
  /** The log metric the cost is written to. */
  metric: keySchema.default("cost"),
});

/** The most dimensions an experiment may break its results down by. */
export const MAX_DIMENSIONS = 5;

/** The variant keys of a holdout: the held-out share, and everyone else. */
export const HOLDOUT_VARIANTS = ["holdout", "exposed"] as const;

// Fields a draft may set; cross-field rules are checked on the whole definition below.
const definitionShape = {
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  variants: z.array(variantSchema).min(2, "an experiment needs at least two variants").max(100),
  /** The variant others are compared with; the first variant when omitted. */
  control: keySchema.optional(),
  /** Segment keys; when any are set, the entity must match at least one. */
  segments: z.array(keySchema).max(100).default([]),
  /** Share (0 to 1) of matching traffic that enters the experiment. */
  coverage: z.number().min(0).max(1, "is a fraction between 0 and 1").default(1),
  /** Hash seed; the experiment key when omitted. */
  hashSeed: z.string().min(1).max(200).optional(),
  /** 2 by default; 1 reproduces GrowthBook's legacy hash. */
  hashVersion: z.union([z.literal(1), z.literal(2)]).default(2),
  namespace: namespaceSchema.nullable().default(null),
  metrics: z.array(metricSchema).max(100).default([]),
  environment: environmentSchema.default(DEFAULT_ENVIRONMENT),
  /** The flag this experiment serves values for, if any. */
  flagKey: keySchema.nullable().default(null),
  /** Entities forced into a variant (QA); they are never recorded as exposed. */
  overrides: z.record(z.string().min(1), keySchema).default({}),
  holdout: holdoutSchema.nullable().default(null),
  bandit: banditSchema.nullable().default(null),
  /**
   * Entity properties (evaluate's `properties`, e.g. `country`, `platform`) read at first
   * exposure; results break every metric down by each one's values.
   */
  dimensions: z
    .array(keySchema)
    .max(MAX_DIMENSIONS, `at most ${MAX_DIMENSIONS} dimensions`)
    .refine((names) => new Set(names).size === names.length, "must not repeat a dimension")
    .default([]),
  plan: experimentPlanSchema.nullable().default(null),
  /** Token prices per variant, turning each execution's token counts into its cost. */
  pricing: pricingSchema.nullable().default(null),
  /** Promote a winner or roll back on a schedule (docs/autopilot.md); off (null) by default. */
  autopilot: autopilotSchema.nullable().default(null),
};

/** A complete experiment definition, as created or after a patch is applied. */
export const experimentInputSchema = z
  .strictObject({ key: keySchema, ...definitionShape })
  .superRefine((value, ctx) => checkDefinition(value, ctx));

/**
 * A change to an experiment; the key cannot change. Fields left out keep their stored value
 * (no defaults here: they belong to creation).
 */
export const experimentPatchSchema = z.strictObject(patchShape(definitionShape));

export type VariantInput = z.input<typeof variantSchema>;
export type Variant = z.output<typeof variantSchema>;
export type Metric = z.output<typeof metricSchema>;
export type MetricKind = z.output<typeof metricKindSchema>;
export type MetricDirection = z.output<typeof metricDirectionSchema>;
export type Guardrail = z.output<typeof guardrailSchema>;
export type Holdout = z.output<typeof holdoutSchema>;
export type PrePeriod = z.output<typeof prePeriodSchema>;
export type Bandit = z.output<typeof banditSchema>;
export type ExperimentPlan = z.output<typeof experimentPlanSchema>;
export type Pricing = z.output<typeof pricingSchema>;
export type VariantPricing = z.output<typeof variantPricingSchema>;
export type ExperimentNamespace = z.output<typeof namespaceSchema>;
export type ExperimentInput = z.input<typeof experimentInputSchema>;
export type ExperimentDefinition = z.output<typeof experimentInputSchema>;
export type ExperimentPatch = z.input<typeof experimentPatchSchema>;

/**
 * Lifecycle status: `draft -> running -> stopped`; a running or stopped experiment may be
 * `shipped`: it then serves one variant to everyone it targets, for good.
 */
export type ExperimentStatus = "draft" | "running" | "stopped" | "shipped";

/** A stored experiment. */
export interface Experiment
  extends Omit<
    ExperimentDefinition,
    "hashSeed" | "name" | "description" | "dimensions" | "plan" | "pricing" | "autopilot"
  > {
  /** Absent on experiments stored before autopilot existed: read as null. */
  autopilot?: Autopilot | null;
  /** Status `shipped`: the variant served to everyone; null (or absent) otherwise. */
  shipped?: ShippedVariant | null;
  /** Autopilot's decisions and ships by hand, oldest first (at most `DECISIONS_LIMIT`). */
  decisions?: AutopilotDecision[];
  /** Absent on experiments stored before pricing existed: read as null. */
  pricing?: Pricing | null;
  /** Absent on experiments stored before dimensions existed: read as `[]`. */
  dimensions?: string[];
  /** Absent on experiments stored before plans existed: read as null. */
  plan?: ExperimentPlan | null;
  id: string;
  projectId: string;
  name: string;
  description: string;
  hashSeed: string;
  status: ExperimentStatus;
  revision: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  /** A bandit's live shares and their history; absent until its first rebalance. */
  banditState?: BanditState | null;
}

// --- Internal helpers ---

// A holdout draws from every entity of the project: no targeting of its own, no flag.
function checkHoldout(value: z.output<z.ZodObject<typeof definitionShape>>, ctx: z.RefinementCtx) {
  const keys = value.variants.map((variant) => variant.key).sort();
  if (keys.length !== 2 || keys[0] !== "exposed" || keys[1] !== "holdout") {
    ctx.addIssue({
      code: "custom",
      path: ["variants"],
      message: 'a holdout has exactly the variants "holdout" and "exposed"',
    });
  }
  const untargeted: [boolean, string, string][] = [
    [value.segments.length > 0, "segments", "a holdout draws from every entity: no segments"],
    [value.coverage !== 1, "coverage", "a holdout covers every entity: coverage 1"],
    [value.namespace !== null, "namespace", "a holdout takes no namespace"],
    [value.flagKey !== null, "flagKey", "a holdout serves no flag"],
  ];
  for (const [broken, field, message] of untargeted) {
    if (broken) ctx.addIssue({ code: "custom", path: [field], message });
  }
}

// A bandit needs a primary metric whose posterior it can sample, and room for its floors.
function checkBandit(value: z.output<z.ZodObject<typeof definitionShape>>, ctx: z.RefinementCtx) {
  const bandit = value.bandit;
  if (!bandit) return;
  const primary = value.metrics.find((metric) => metric.primary);
  if (!primary || (primary.kind !== "binomial" && primary.kind !== "mean")) {
    ctx.addIssue({
      code: "custom",
      path: ["bandit"],
      message: "a bandit needs a primary metric of kind binomial or mean",
    });
  }
  if (bandit.floor * value.variants.length > 100) {
    ctx.addIssue({
      code: "custom",
      path: ["bandit", "floor"],
      message: `${value.variants.length} arms cannot each keep ${bandit.floor}% of traffic`,
    });
  }
  if (value.holdout) {
    ctx.addIssue({ code: "custom", path: ["bandit"], message: "a holdout cannot be a bandit" });
  }
}

// Autopilot reads one declared metric of a fixed-split experiment.
function checkAutopilot(
  value: z.output<z.ZodObject<typeof definitionShape>>,
  ctx: z.RefinementCtx,
) {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path: ["autopilot", ...path], message });
  const named = value.autopilot?.promote.metric;
  const metric = named
    ? value.metrics.find((entry) => entry.name === named)
    : value.metrics.find((entry) => entry.primary);
  if (named && !metric) {
    issue(["promote", "metric"], `"${named}" is not a metric of this experiment`);
  } else if (!metric) {
    issue(["promote", "metric"], "name a metric, or mark one metric primary");
  } else if (metric.guardrail) {
    issue(["promote", "metric"], `"${metric.name}" is a guardrail: promote on another metric`);
  }
  if (value.bandit) issue([], "a bandit moves its own traffic: it takes no autopilot");
  if (value.holdout) issue([], "a holdout takes no autopilot");
}

// The rules one metric's fields have among themselves.
function checkMetric(metric: Metric, index: number, ctx: z.RefinementCtx) {
  const issue = (field: string, message: string) =>
    ctx.addIssue({ code: "custom", path: ["metrics", index, field], message });
  if (metric.kind === "ratio") {
    if (metric.numerator === undefined) issue("numerator", "a ratio metric needs a numerator");
    if (metric.denominator === undefined) {
      issue("denominator", "a ratio metric needs a denominator");
    }
    if (metric.numerator !== undefined && metric.numerator === metric.denominator) {
      issue("denominator", "must differ from the numerator");
    }
    for (const field of ["numerator", "denominator"] as const) {
      if (metric[field] === metric.name) issue(field, "a ratio cannot divide itself");
    }
  } else {
    for (const field of ["numerator", "denominator"] as const) {
      if (metric[field] !== undefined) issue(field, "only a ratio metric has one");
    }
  }
  // CUPED adjusts a per-user outcome over every exposed user; a mean over users with an
  // event and a ratio of totals are other estimators.
  if (metric.covariate !== undefined && (metric.kind === "mean" || metric.kind === "ratio")) {
    issue("covariate", `CUPED needs a count, sum or binomial metric, not ${metric.kind}`);
  }
  // An execution is one observation of one value: a mean per execution, nothing to cap.
  if (metric.unit === "execution") {
    if (metric.kind !== "mean")
      issue("unit", `an execution metric is of kind mean, not ${metric.kind}`);
    if (metric.cap !== undefined) issue("cap", "an execution metric takes no cap");
  }
  // A ratio divides two metrics' totals: capping applies to those metrics, each as declared.
  if (metric.cap !== undefined && metric.kind === "ratio") {
    issue("cap", "a ratio is not capped itself: cap its numerator or denominator metric");
  }
  if (metric.guardrail !== undefined && metric.primary) {
    issue("guardrail", "the primary metric cannot also be a guardrail");
  }
  // A guardrail's harm already says which way is worse; a direction may only agree with it.
  const harmful = metric.guardrail?.harm === "increase" ? "higher" : "lower";
  if (metric.guardrail !== undefined && metric.direction === harmful) {
    issue("direction", `contradicts the guardrail: harm "${metric.guardrail.harm}"`);
  }
}

function checkDefinition(
  value: z.output<z.ZodObject<typeof definitionShape>>,
  ctx: z.RefinementCtx,
) {
  const keys = new Set<string>();
  value.variants.forEach((variant, index) => {
    if (keys.has(variant.key)) {
      ctx.addIssue({
        code: "custom",
        path: ["variants", index, "key"],
        message: `duplicate variant key "${variant.key}"`,
      });
    }
    keys.add(variant.key);
  });
  const total = value.variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (Math.abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE) {
    ctx.addIssue({
      code: "custom",
      path: ["variants"],
      message: `weights must sum to 100 (they sum to ${total})`,
    });
  }
  if (value.control !== undefined && !keys.has(value.control)) {
    ctx.addIssue({
      code: "custom",
      path: ["control"],
      message: `"${value.control}" is not a variant key`,
    });
  }
  for (const [entityId, variantKey] of Object.entries(value.overrides)) {
    if (!keys.has(variantKey)) {
      ctx.addIssue({
        code: "custom",
        path: ["overrides", entityId],
        message: `"${variantKey}" is not a variant key`,
      });
    }
  }
  const metricNames = new Set<string>();
  value.metrics.forEach((metric, index) => {
    if (metricNames.has(metric.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["metrics", index, "name"],
        message: `duplicate metric "${metric.name}"`,
      });
    }
    metricNames.add(metric.name);
    checkMetric(metric, index, ctx);
  });
  if (value.metrics.filter((metric) => metric.primary).length > 1) {
    ctx.addIssue({
      code: "custom",
      path: ["metrics"],
      message: "at most one metric can be primary",
    });
  }
  if (new Set(value.segments).size !== value.segments.length) {
    ctx.addIssue({ code: "custom", path: ["segments"], message: "segment keys must be unique" });
  }
  if (value.holdout) checkHoldout(value, ctx);
  if (value.bandit) checkBandit(value, ctx);
  if (value.autopilot) checkAutopilot(value, ctx);
  for (const variant of Object.keys(value.pricing?.variants ?? {})) {
    if (!keys.has(variant)) {
      const message = `"${variant}" is not a variant of this experiment`;
      ctx.addIssue({ code: "custom", path: ["pricing", "variants", variant], message });
    }
  }
}
