/**
 * Multiple-comparison correction for experiments with several treatments.
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
  if (!Array.isArray(pValues)) {
    throw ValidationError.field(["pValues"], "must be an array", WHAT);
  }
  const present: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (p === null) return;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw ValidationError.field(["pValues", index], "must be a number in [0, 1] or null", WHAT);
    }
    present.push({ index, p });
  });
  present.sort((a, b) => a.p - b.p);
  const adjusted: (number | null)[] = pValues.map(() => null);
  const m = present.length;
  let running = 0;
  present.forEach(({ index, p }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

// --- Internal helpers ---

const WHAT = "holmAdjust input";
