import * as z from "zod";

// The part of `ExperimentResults` the gate reads. Results over HTTP are checked against it,
// so a server of another version fails with the field it lacks, not a wrong decision.
const interval = z.tuple([z.number(), z.number()]);

const comparisonSchema = z.object({
  absolute: z.object({ estimate: z.number().nullable(), ci: interval.nullable() }),
  pValue: z.number().nullable(),
  chanceToBeatControl: z.number().nullable(),
  sequential: z.object({ ci: interval }).nullable(),
});

/** What `abkit gate` needs of an experiment's results. */
export const gateResultsSchema = z.object({
  experimentKey: z.string(),
  control: z.string(),
  /** The intervals are at level 1 - alpha. */
  alpha: z.number(),
  variants: z.array(z.object({ key: z.string(), users: z.number() })),
  srm: z.object({ chiSquare: z.number(), pValue: z.number(), mismatch: z.boolean() }).nullable(),
  verdict: z.object({ kind: z.string(), summary: z.string() }),
  metrics: z.array(
    z.object({
      name: z.string(),
      primary: z.boolean(),
      direction: z.enum(["higher", "lower"]),
      variants: z.array(
        z.object({
          variantKey: z.string(),
          users: z.number(),
          value: z.number().nullable(),
          comparison: comparisonSchema.nullable(),
        }),
      ),
    }),
  ),
  guardrailViolations: z.array(
    z.object({
      metric: z.string(),
      variantKey: z.string(),
      harm: z.enum(["increase", "decrease"]),
      absolute: z.object({ estimate: z.number().nullable(), ci: interval.nullable() }).nullable(),
    }),
  ),
});

/** The results the gate decides on (an `ExperimentResults` is one). */
export type GateResults = z.output<typeof gateResultsSchema>;
