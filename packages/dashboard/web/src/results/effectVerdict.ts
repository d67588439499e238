import type { Interval, MetricResult } from "../api/types.js";

/** How an effect reads in its metric's direction: colour says better or worse, never "up". */
export type EffectVerdict = "better" | "worse" | "unclear";

/**
 * `better` or `worse` when the whole interval lies on one side of 0, read in the metric's
 * direction (an increase is worse for a lower-is-better metric); `unclear` otherwise. The
 * effect itself keeps its sign: treatment minus control.
 */
export function effectVerdict(
  ci: Interval | null | undefined,
  direction: MetricResult["direction"],
): EffectVerdict {
  if (!ci) return "unclear";
  const [low, high] = ci;
  const side = low > 0 ? "increase" : high < 0 ? "decrease" : null;
  if (side === null) return "unclear";
  const better = direction === "lower" ? "decrease" : "increase";
  return side === better ? "better" : "worse";
}
