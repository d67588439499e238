import type { Guardrail } from "../../schema/experiment.js";
import {
  oneSidedSequentialBounds,
  oneSidedSequentialCritical,
  proportionOneSidedSequentialBounds,
} from "../../stats/oneSidedSequential.js";
import type { Interval, ProportionSide } from "../../stats/types.js";

/**
 * What a guardrail's always-valid interval says about one treatment:
 * - `harm`: the whole interval lies beyond the tolerated change in the harmful direction
 *   (the metric got worse by more than tolerated);
 * - `ok`: the whole interval lies on the safe side of the tolerated change (non-inferior);
 * - `inconclusive`: the interval reaches both sides, or there is none yet.
 */
export type GuardrailStatus = "ok" | "inconclusive" | "harm";

/** The verdict of one guardrail on one treatment. */
export interface GuardrailVerdict {
  status: GuardrailStatus;
  harm: Guardrail["harm"];
  tolerance: number;
  toleranceScale: Guardrail["toleranceScale"];
  /**
   * The scale read: relative (`(treatment - control) / |control|`) for a relative tolerance,
   * absolute for an absolute one or when the control's value is 0; null without an interval.
   */
  readOn: "relative" | "absolute" | null;
  /** The interval read: always-valid, so the verdict may be read on any day. */
  interval: "always-valid";
  /**
   * The tolerated change on the scale read, signed the harmful way: `+tolerance` for harm
   * `increase`, `-tolerance` for `decrease` (0 for a relative tolerance on a control at 0).
   */
  margin: number | null;
  /**
   * The always-valid interval read; each end is a one-sided bound at the results' alpha.
   * Null when there is none yet (an arm without users or variance estimate, `alpha >= 0.5`).
   */
  ci: Interval | null;
  /**
   * The end compared with the margin: for `harm`, the safe-side end, beyond the margin; for
   * `ok` and `inconclusive`, the harmful-side end, within the margin for `ok`.
   */
  bound: number | null;
}

/** One arm's value (mean, rate or ratio) and its standard error. */
export interface ArmEstimate {
  value: number;
  se: number;
}

/** What a guardrail reads of a treatment against the control. */
export interface GuardrailArms {
  /** Null when the arm has no users, or too few to estimate its variance. */
  control: ArmEstimate | null;
  treatment: ArmEstimate | null;
  /** Users of both arms together: the always-valid interval's clock. */
  users: number;
  /** A binomial metric's counts: its absolute read uses the score interval. */
  proportions?: { control: ProportionSide; treatment: ProportionSide } | null;
}

/**
 * Reads a treatment against its guardrail as a one-sided non-inferiority test with margin
 * `tolerance`, on an always-valid interval whose ends are each one-sided at `alpha`
 * (`oneSidedSequentialBounds`): read daily, it says `ok` for a treatment exactly at the
 * margin in at most about `alpha` of experiments, and can stop a harmful one early.
 *
 * - Absolute tolerance: the interval of `treatment - control` (for a binomial metric,
 *   Newcombe's score interval) against `±tolerance`.
 * - Relative tolerance: `(T - C) / |C| <= m` is `Q = T - (1 + sign(C) m) C <= 0` (the test
 *   behind Fieller's interval), so the interval is `rel ∓ h · se_Q / |C|` with
 *   `se_Q = sqrt(se_T² + (1 + sign(C) m)² se_C²)`, its standard error taken at the margin. A
 *   control at exactly 0 is read on the absolute scale against 0.
 *
 * @param guardrail - the metric's guardrail: `harm`, `tolerance`, `toleranceScale`
 * @param arms - each arm's value and standard error, users, and a binomial metric's counts
 * @param alpha - each end's one-sided level (the results' alpha)
 *
 * @example
 * guardrailVerdict(
 *   { harm: "increase", tolerance: 50, toleranceScale: "absolute" },
 *   { control: { value: 800, se: 3 }, treatment: { value: 900, se: 3 }, users: 2000 },
 *   0.05,
 * ); // { status: "harm", readOn: "absolute", margin: 50, ci: [87.86, 112.14], bound: 87.86, ... }
 */
export function guardrailVerdict(
  guardrail: Guardrail,
  arms: GuardrailArms,
  alpha: number,
): GuardrailVerdict {
  const { harm, tolerance } = guardrail;
  const toleranceScale = guardrail.toleranceScale ?? "relative"; // stored before it existed
  const read = alpha < 0.5 ? interval(guardrail, toleranceScale, arms, alpha) : null;
  const verdict = {
    harm,
    tolerance,
    toleranceScale,
    interval: "always-valid" as const,
    readOn: read?.readOn ?? null,
    margin: read?.margin ?? null,
    ci: read?.ci ?? null,
  };
  if (!read) return { ...verdict, status: "inconclusive", bound: null };
  const [low, high] = read.ci;
  const margin = read.margin;
  if (harm === "increase") {
    if (low > margin) return { ...verdict, status: "harm", bound: low };
    return { ...verdict, status: high <= margin ? "ok" : "inconclusive", bound: high };
  }
  if (high < margin) return { ...verdict, status: "harm", bound: high };
  return { ...verdict, status: low >= margin ? "ok" : "inconclusive", bound: low };
}

// --- Internal helpers ---

interface Read {
  readOn: "relative" | "absolute";
  margin: number;
  ci: Interval;
}

function interval(
  guardrail: Guardrail,
  toleranceScale: "relative" | "absolute",
  arms: GuardrailArms,
  alpha: number,
): Read | null {
  const { control, treatment, users, proportions } = arms;
  if (!control || !treatment) return null;
  const margin = guardrail.harm === "increase" ? guardrail.tolerance : -guardrail.tolerance;
  if (toleranceScale === "relative" && control.value !== 0) {
    const critical = oneSidedSequentialCritical(users, { alpha });
    if (critical === null) return null;
    const scale = 1 + Math.sign(control.value) * margin;
    const seQ = Math.sqrt(treatment.se ** 2 + scale ** 2 * control.se ** 2);
    const size = Math.abs(control.value);
    const relative = (treatment.value - control.value) / size;
    const halfWidth = (critical * seQ) / size;
    return { readOn: "relative", margin, ci: [relative - halfWidth, relative + halfWidth] };
  }
  const ci = proportions
    ? proportionOneSidedSequentialBounds(proportions.control, proportions.treatment, { alpha })
    : oneSidedSequentialBounds(
        treatment.value - control.value,
        Math.sqrt(treatment.se ** 2 + control.se ** 2),
        users,
        { alpha },
      );
  if (!ci) return null;
  return { readOn: "absolute", margin: toleranceScale === "absolute" ? margin : 0, ci };
}
