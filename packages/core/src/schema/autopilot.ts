import * as z from "zod";
import type { JsonValue } from "./common.js";
import { keySchema } from "./common.js";

/** The most decisions an experiment keeps (the oldest go first). */
export const DECISIONS_LIMIT = 100;

/** When autopilot promotes a treatment (see docs/autopilot.md, "Rules"). */
export const autopilotPromoteSchema = z.strictObject({
  /** The metric read; the experiment's primary metric when omitted. */
  metric: keySchema.optional(),
  /** How sure the read must be: the always-valid interval's level, or the chance to beat control. */
  chance: z
    .number()
    .min(0.5, "must be at least 0.5")
    .max(0.9999, "must be at most 0.9999")
    .default(0.95),
  /** `always-valid`: the sequential interval at level `chance`; `bayesian`: the chance to beat control. */
  read: z.enum(["always-valid", "bayesian"]).default("always-valid"),
  /** Users exposed over all variants before any promotion. */
  minUsers: z.number().int().min(0, "must be at least 0").max(1e12).default(0),
});

/**
 * Autopilot: checked on a schedule, it promotes a treatment that beats the control as the
 * policy says, or rolls back to the control when a treatment breaks a guardrail. Off (null)
 * by default.
 */
export const autopilotSchema = z.strictObject({
  promote: autopilotPromoteSchema.default({
    chance: 0.95,
    read: "always-valid",
    minUsers: 0,
  }),
  /** Roll back to the control as soon as a treatment's guardrail shows harm. */
  rollbackOnGuardrailHarm: z.boolean().default(true),
  /** Each process checks the experiment at most this often, in ms. */
  intervalMs: z
    .number()
    .int()
    .min(1000, "must be at least 1000")
    .max(30 * 24 * 3_600_000, "must be at most 30 days")
    .default(3_600_000),
});

export type Autopilot = z.output<typeof autopilotSchema>;
export type AutopilotInput = z.input<typeof autopilotSchema>;

/** The variant a shipped experiment serves to everyone it targets, and who shipped it. */
export interface ShippedVariant {
  variantKey: string;
  at: string;
  by: "autopilot" | "user";
}

/** The guardrail behind a rollback: the harmful treatment's read against its tolerance. */
export interface DecisionGuardrail {
  metric: string;
  /** The treatment that breaks it. */
  variantKey: string;
  harm: "increase" | "decrease";
  tolerance: number;
  toleranceScale: "relative" | "absolute";
  /** The scale the interval is on (relative to the control, or the metric's units). */
  readOn: "relative" | "absolute" | null;
  /** The tolerated change on that scale, signed the harmful way. */
  margin: number | null;
  /** The always-valid interval read, and its end that lies beyond the margin. */
  interval: [number, number] | null;
  bound: number | null;
}

/** The numbers a decision rests on, as the results reported them when it was made. */
export interface DecisionNumbers {
  read: "always-valid" | "bayesian";
  /** The policy's threshold, and the results' alpha it was read at (`1 - chance`). */
  chance: number;
  alpha: number;
  /** Users exposed per variant, and over all of them. */
  users: Record<string, number>;
  totalUsers: number;
  minUsers: number;
  /** The chosen treatment against the control on the metric (treatment minus control). */
  estimate: number | null;
  relative: number | null;
  /**
   * The interval read: always-valid at `level` (corrected for several treatments), or the
   * Bayesian credible interval; for a rollback, the guardrail's interval.
   */
  interval: [number, number] | null;
  level: number | null;
  chanceToBeatControl: number | null;
  pValue: number | null;
  /** The guardrail behind a rollback; null for a promotion. */
  guardrail: DecisionGuardrail | null;
}

/** The flag a decision sets the default of, as it was when the decision was made. */
export interface DecisionFlag {
  key: string;
  /** The flag's revision when the decision was written: the default is set at that revision only. */
  revision: number;
  /** The value the default becomes (the winning variant's config). */
  value: JsonValue;
}

/**
 * One decision, written in the same revision-checked write as the status change it makes:
 * what was decided, when, by whom, and on which numbers.
 */
export interface AutopilotDecision {
  at: string;
  /** `promote` a treatment, `rollback` to the control, or `ship` by hand. */
  action: "promote" | "rollback" | "ship";
  by: "autopilot" | "user";
  /** The variant now served (the winner, or the control on a rollback). */
  variantKey: string;
  /** The rule that decided, in words. */
  rule: string;
  /** One sentence with the numbers. */
  summary: string;
  /** The metric read (the guardrail's, on a rollback); null when shipped by hand. */
  metric: string | null;
  numbers: DecisionNumbers | null;
  /** Set on an experiment attached to a flag when the decision changes the flag's default. */
  flag: DecisionFlag | null;
}
