/**
 * The inputs of `planExperiment` and `detectableEffect`, as zod schemas: every bad number
 * becomes a `validation_failed` error naming the field.
 */
import * as z from "zod";

const probability = (what: string) =>
  z
    .number({ error: `must be a number between 0 and 1 (${what})` })
    .gt(0, `must be between 0 and 1 (${what})`)
    .lt(1, `must be between 0 and 1 (${what})`);

/** What the two functions share: the metric, the test's level and power, the arms. */
const designShape = {
  /** `binomial`: a conversion rate (baseline in (0, 1)); `mean`: a per-user mean (needs `sd`). */
  metric: z.enum(["binomial", "mean"]),
  /** The control's conversion rate (binomial) or mean (mean). */
  baseline: z.number().refine(Number.isFinite, "must be a finite number"),
  /** The per-user standard deviation of a mean metric. */
  sd: z.number().positive("must be a positive number").finite().optional(),
  alpha: probability("the two-sided significance level").default(0.05),
  power: probability("the chance of detecting the effect when it is real").default(0.8),
  /** Arms, the control included: the split's length if a split is given, else 2. */
  variants: z.number().int("must be an integer").min(2, "must be at least 2").max(100).optional(),
  /** Traffic weights, control first; any positive numbers (percentages or shares). Equal by default. */
  split: z
    .array(z.number().positive("must be a positive number").finite())
    .min(2, "needs the control and at least one treatment")
    .optional(),
  /** CUPED's expected share of variance removed, in [0, 1). */
  varianceReduction: z
    .number()
    .min(0, "must be at least 0")
    .lt(1, "must be less than 1 (a share of the variance)")
    .default(0),
  /** Users entering the experiment per day (all arms together). */
  dailyUsers: z.number().positive("must be a positive number").finite().optional(),
};

type DesignInput = {
  metric: "binomial" | "mean";
  baseline: number;
  sd?: number | undefined;
  variants?: number | undefined;
  split?: number[] | undefined;
};

/** The number of arms: `variants`, else the length of the split or of the counts, else 2. */
export function armCount(input: {
  variants?: number | undefined;
  split?: number[] | undefined;
  usersPerVariant?: number[] | undefined;
}): number {
  return input.variants ?? input.split?.length ?? input.usersPerVariant?.length ?? 2;
}

// The checks that span fields: a mean needs its sd, a rate lies in (0, 1), the split fits.
function checkDesign(input: DesignInput, ctx: z.RefinementCtx): void {
  if (input.metric === "binomial" && !(input.baseline > 0 && input.baseline < 1)) {
    ctx.addIssue({
      code: "custom",
      path: ["baseline"],
      message: "must be between 0 and 1 (a conversion rate) for a binomial metric",
    });
  }
  if (input.metric === "mean" && input.sd === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["sd"],
      message: "is required for a mean metric (the per-user standard deviation)",
    });
  }
  if (input.split !== undefined && input.split.length !== armCount(input)) {
    ctx.addIssue({
      code: "custom",
      path: ["split"],
      message: `must have one weight per variant (${armCount(input)})`,
    });
  }
}

/** `planExperiment`'s input. */
export const planInputSchema = z
  .strictObject({
    ...designShape,
    /** The smallest effect worth detecting: relative to the baseline (default) or absolute. */
    mde: z
      .number()
      .refine(Number.isFinite, "must be a finite number")
      .refine((value) => value !== 0, "must not be 0"),
    mdeType: z.enum(["relative", "absolute"]).default("relative"),
  })
  .superRefine((input, ctx) => {
    checkDesign(input, ctx);
    if (input.metric !== "binomial" || !(input.baseline > 0 && input.baseline < 1)) return;
    const treated =
      input.mdeType === "relative" ? input.baseline * (1 + input.mde) : input.baseline + input.mde;
    if (!(treated > 0 && treated < 1)) {
      ctx.addIssue({
        code: "custom",
        path: ["mde"],
        message: `must leave the treated rate between 0 and 1 (it would be ${treated})`,
      });
    }
  })
  .superRefine((input, ctx) => {
    if (input.metric === "mean" && input.mdeType === "relative" && input.baseline === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["mdeType"],
        message: "a relative mde needs a non-zero baseline; use mdeType absolute",
      });
    }
  });

/** `detectableEffect`'s input: the design and the users, per arm or in total. */
export const detectableInputSchema = z
  .strictObject({
    ...designShape,
    usersPerVariant: z
      .array(z.number().int("must be an integer").min(2, "must be at least 2"))
      .min(2, "needs the control and at least one treatment")
      .optional(),
    totalUsers: z.number().positive("must be a positive number").finite().optional(),
  })
  .superRefine((input, ctx) => {
    checkDesign(input, ctx);
    const given =
      Number(input.usersPerVariant !== undefined) + Number(input.totalUsers !== undefined);
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["usersPerVariant"],
        message: "give exactly one of usersPerVariant and totalUsers",
      });
    }
    if (input.usersPerVariant !== undefined && input.usersPerVariant.length !== armCount(input)) {
      ctx.addIssue({
        code: "custom",
        path: ["usersPerVariant"],
        message: `must have one count per variant (${armCount(input)})`,
      });
    }
  });

/** What `planExperiment` takes. */
export type PlanInput = z.input<typeof planInputSchema>;
/** What `detectableEffect` takes. */
export type DetectableEffectInput = z.input<typeof detectableInputSchema>;
