import type { EffectDay } from "../api/types.js";

/** The treatments of an effect-over-time series, in the order the API lists them. */
export function effectSeries(days: EffectDay[]): string[] {
  const keys: string[] = [];
  for (const day of days) {
    for (const variant of day.variants) {
      if (variant.absolute !== null && !keys.includes(variant.variantKey)) {
        keys.push(variant.variantKey);
      }
    }
  }
  return keys;
}
