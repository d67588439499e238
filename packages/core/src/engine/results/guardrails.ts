import type { Guardrail } from "../../schema/experiment.js";
import type { Interval } from "../../stats/types.js";

/**
 * What a guardrail's interval says about one treatment:
 * - `harm`: the whole interval lies beyond the tolerated change in the harmful direction
 *   (the metric got worse by more than tolerated);
 * - `ok`: the whole interval lies within the tolerated side (no harm beyond tolerance);
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
   * The interval read: the relative one for a relative tolerance, the absolute one for an
   * absolute tolerance or when there is no relative interval; null when there is neither.
   */
  readOn: "relative" | "absolute" | null;
}

/** The effects of a treatment that a guardrail reads. */
export interface GuardedComparison {
  absolute: { estimate: number | null; ci: Interval | null };
  relative: { estimate: number; ci: Interval | null } | null;
}

/**
 * Reads a treatment's interval against its guardrail. An absolute tolerance reads the
 * absolute interval. A relative one reads the relative interval; when there is none (the
 * control's value is 0, or too noisy to be told from 0) it reads the absolute interval
 * against `tolerance × |control value|` instead, so a metric that goes from 0 errors per
 * user to 0.7 is still flagged.
 *
 * @param guardrail - the metric's guardrail: `harm`, `tolerance`, `toleranceScale`
 * @param comparison - the treatment's absolute and relative effects with their intervals
 * @param controlValue - the control's value (mean, rate or ratio), null without users
 *
 * @example
 * guardrailVerdict(
 *   { harm: "increase", tolerance: 0.05, toleranceScale: "relative" },
 *   { absolute: { estimate: 0.7, ci: [0.65, 0.75] }, relative: null },
 *   0,
 * ); // { status: "harm", readOn: "absolute", ... }
 */
export function guardrailVerdict(
  guardrail: Guardrail,
  comparison: GuardedComparison,
  controlValue: number | null,
): GuardrailVerdict {
  const { harm, tolerance } = guardrail;
  const toleranceScale = guardrail.toleranceScale ?? "relative"; // stored before it existed
  const verdict = (status: GuardrailStatus, readOn: GuardrailVerdict["readOn"]) => ({
    status,
    harm,
    tolerance,
    toleranceScale,
    readOn,
  });
  const relativeCi = comparison.relative?.ci;
  if (toleranceScale === "relative" && relativeCi) {
    return verdict(read(harm, relativeCi, tolerance), "relative");
  }
  const absoluteCi = comparison.absolute.ci;
  if (!absoluteCi) return verdict("inconclusive", null);
  const allowed =
    toleranceScale === "absolute" ? tolerance : tolerance * Math.abs(controlValue ?? 0);
  return verdict(read(harm, absoluteCi, allowed), "absolute");
}

// --- Internal helpers ---

function read(harm: Guardrail["harm"], [low, high]: Interval, tolerance: number): GuardrailStatus {
  if (harm === "increase") {
    if (low > tolerance) return "harm";
    return high <= tolerance ? "ok" : "inconclusive";
  }
  if (high < -tolerance) return "harm";
  return low >= -tolerance ? "ok" : "inconclusive";
}
