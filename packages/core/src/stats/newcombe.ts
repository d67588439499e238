/**
 * Score intervals for rates: Wilson's interval for one rate and Newcombe's hybrid score
 * interval for a difference of two. Unlike the Wald interval they give an arm with 0 (or
 * all) conversions its real uncertainty, so a small or rare arm cannot make an interval
 * collapse around a difference that is only noise.
 */
import type { Interval, ProportionSide } from "./types.js";

/**
 * Wilson's score interval for `conversions / n` at critical value `z` (1.96 for 95%): the
 * rates `p` for which `|p̂ - p| <= z · sqrt(p (1 - p) / n)`. Null when `n = 0`.
 *
 * @example
 * wilsonInterval({ n: 100, conversions: 0 }, 1.959963984540054); // [0, 0.03699]
 */
export function wilsonInterval(side: ProportionSide, z: number): Interval | null {
  const { n, conversions } = side;
  if (!(n > 0)) return null;
  const rate = conversions / n;
  const z2n = (z * z) / n;
  const center = (rate + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((rate * (1 - rate)) / n + z2n / (4 * n))) / (1 + z2n);
  // At 0 or all conversions the bound equals the rate; clamp rounding past it.
  return [Math.max(0, Math.min(rate, center - half)), Math.min(1, Math.max(rate, center + half))];
}

/**
 * Newcombe's hybrid score interval for `p_t - p_c` (his method 10, 1998) at critical value
 * `z`: each rate's Wilson interval `[l, u]`, combined as
 * `[d - sqrt((p_t - l_t)² + (u_c - p_c)²), d + sqrt((u_t - p_t)² + (p_c - l_c)²)]`.
 * Not symmetric around `d`; close to the Wald interval once both arms have a few dozen
 * conversions and non-conversions. Null when an arm has no users.
 *
 * @example
 * newcombeInterval({ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }, 1.96);
 * // [0.00200, 0.05807]
 */
export function newcombeInterval(
  control: ProportionSide,
  treatment: ProportionSide,
  z: number,
): Interval | null {
  const c = wilsonInterval(control, z);
  const t = wilsonInterval(treatment, z);
  if (!c || !t) return null;
  const rateC = control.conversions / control.n;
  const rateT = treatment.conversions / treatment.n;
  const diff = rateT - rateC;
  return [
    diff - Math.hypot(rateT - t[0], c[1] - rateC),
    diff + Math.hypot(t[1] - rateT, rateC - c[0]),
  ];
}
