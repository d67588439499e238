import type { Guardrail } from "../schema/experiment.js";
import type { Interval } from "../stats/types.js";

/**
 * What a guardrail's interval says about one treatment:
 * - `harm`: the whole relative interval lies beyond the tolerated change in the harmful
 *   direction (the metric got worse by more than tolerated);
 * - `ok`: the whole interval lies within the tolerated side (no harm beyond tolerance);
 * - `inconclusive`: the interval reaches both sides, or there is none yet.
 */
export type GuardrailStatus = "ok" | "inconclusive" | "harm";

/** The verdict of one guardrail on one treatment. */
export interface GuardrailVerdict {
  status: GuardrailStatus;
  harm: Guardrail["harm"];
  tolerance: number;
}

/** Reads a treatment's relative interval against its guardrail. */
export function guardrailVerdict(
  guardrail: Guardrail,
  relativeCi: Interval | null | undefined,
): GuardrailVerdict {
  const { harm, tolerance } = guardrail;
  const verdict = (status: GuardrailStatus) => ({ status, harm, tolerance });
  if (!relativeCi) return verdict("inconclusive");
  const [low, high] = relativeCi;
  if (harm === "increase") {
    if (low > tolerance) return verdict("harm");
    return verdict(high <= tolerance ? "ok" : "inconclusive");
  }
  if (high < -tolerance) return verdict("harm");
  return verdict(low >= -tolerance ? "ok" : "inconclusive");
}
