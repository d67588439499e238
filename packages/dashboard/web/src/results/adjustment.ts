import type { Adjustment } from "../api/types.js";

const METHOD: Record<Adjustment["method"], string> = {
  holm: "Holm",
  "benjamini-hochberg": "Benjamini-Hochberg",
};

const ACROSS: Record<Adjustment["across"], string> = {
  variants: "this metric's treatments",
  metrics: "every secondary metric",
  "metrics-and-variants": "every metric and treatment",
  slices: "the dimension's slices",
};

/** The correction behind an adjusted p-value, in words: "Holm over 3 tests (...)". */
export function describeAdjustment(adjustment: Adjustment | null | undefined): string | null {
  if (!adjustment) return null;
  const tests = `${adjustment.tests} test${adjustment.tests === 1 ? "" : "s"}`;
  return `${METHOD[adjustment.method]} over ${tests} (${ACROSS[adjustment.across]})`;
}
