import * as z from "zod";
import {
  DEFAULT_ENVIRONMENT,
  descriptionSchema,
  environmentSchema,
  jsonSchema,
  keySchema,
  nameSchema,
} from "./common.js";

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

/** How a metric aggregates per entity. */
export const metricKindSchema = z.enum(["count", "binomial", "sum", "mean"]);

/** A metric an experiment reads; events name it by `name`. */
export const metricSchema = z.strictObject({
  name: keySchema,
  kind: metricKindSchema,
  /** The metric that decides the experiment; at most one per experiment. */
  primary: z.boolean().default(false),
});

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
};

/** A complete experiment definition, as created or after a patch is applied. */
export const experimentInputSchema = z
  .strictObject({ key: keySchema, ...definitionShape })
  .superRefine((value, ctx) => checkDefinition(value, ctx));

/** A change to an experiment; the key cannot change. */
export const experimentPatchSchema = z.strictObject(definitionShape).partial();

export type VariantInput = z.input<typeof variantSchema>;
export type Variant = z.output<typeof variantSchema>;
export type Metric = z.output<typeof metricSchema>;
export type MetricKind = z.output<typeof metricKindSchema>;
export type ExperimentNamespace = z.output<typeof namespaceSchema>;
export type ExperimentInput = z.input<typeof experimentInputSchema>;
export type ExperimentDefinition = z.output<typeof experimentInputSchema>;
export type ExperimentPatch = z.input<typeof experimentPatchSchema>;

/** Lifecycle status: `draft -> running -> stopped`. */
export type ExperimentStatus = "draft" | "running" | "stopped";

/** A stored experiment. */
export interface Experiment
  extends Omit<ExperimentDefinition, "hashSeed" | "name" | "description"> {
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
}

// --- Internal helpers ---

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
}
