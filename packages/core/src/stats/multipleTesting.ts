/**
 * Multiple-comparison corrections for experiments with several treatments or metrics.
 */
import { ValidationError } from "../errors/ValidationError.js";

/**
 * Holm-Bonferroni adjusted p-values, in the input order. With the `m` non-null p-values
 * sorted ascending, the j-th smallest becomes `max over i <= j of min(1, (m - i + 1) p_(i))`:
 * comparing each adjusted value with alpha controls the family-wise error rate at alpha,
 * and is never less powerful than plain Bonferroni. Nulls stay null and do not count in `m`.
 *
 * @throws ValidationError when a p-value is outside [0, 1] or not a number
 *
 * @example
 * holmAdjust([0.01, 0.04, null, 0.03]); // [0.03, 0.06, null, 0.06]
 */
export function holmAdjust(pValues: (number | null)[]): (number | null)[] {
  const present = sortedPresent(pValues, "holmAdjust input");
  const adjusted: (number | null)[] = pValues.map(() => null);
  const m = present.length;
  let running = 0;
  present.forEach(({ index, p }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Benjamini-Hochberg adjusted p-values (q-values), in the input order. With the `m`
 * non-null p-values sorted ascending, the j-th smallest becomes
 * `min over i >= j of min(1, m p_(i) / i)`: comparing each adjusted value with alpha
 * controls the false discovery rate (the expected share of false positives among the
 * comparisons called significant) at alpha, for independent or positively dependent tests.
 * Less strict than Holm, which controls the chance of any false positive at all.
 *
 * @throws ValidationError when a p-value is outside [0, 1] or not a number
 *
 * @example
 * benjaminiHochbergAdjust([0.01, 0.04, null, 0.03]); // [0.03, 0.04, null, 0.04]
 */
export function benjaminiHochbergAdjust(pValues: (number | null)[]): (number | null)[] {
  const present = sortedPresent(pValues, "benjaminiHochbergAdjust input");
  const adjusted: (number | null)[] = pValues.map(() => null);
  const m = present.length;
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const entry = present[rank] as { index: number; p: number };
    running = Math.min(running, (m * entry.p) / (rank + 1));
    adjusted[entry.index] = running;
  }
  return adjusted;
}

// --- Internal helpers ---

// The non-null p-values with their positions, ascending; throws on anything else.
function sortedPresent(pValues: (number | null)[], what: string): { index: number; p: number }[] {
  if (!Array.isArray(pValues)) {
    throw ValidationError.field(["pValues"], "must be an array", what);
  }
  const present: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (p === null) return;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw ValidationError.field(["pValues", index], "must be a number in [0, 1] or null", what);
    }
    present.push({ index, p });
  });
  return present.sort((a, b) => a.p - b.p);
}
