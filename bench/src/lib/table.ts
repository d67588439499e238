import type { Comparison } from "../plan.js";
import type { CaseResult } from "./emit.js";

function format(result: CaseResult | undefined): string {
  if (!result) return "n/a";
  const digits = result.value >= 100 ? 0 : result.value >= 1 ? 2 : 4;
  return `${result.value.toLocaleString("en-US", { maximumFractionDigits: digits })} ${result.unit}`;
}

/** A Markdown table: one row per comparison, with the ratio and whether the goal is met. */
export function table(comparisons: Comparison[], results: Map<string, CaseResult>): string {
  const rows = comparisons.map((c) => {
    const ours = results.get(c.ours);
    const reference = results.get(c.reference);
    const ratio = ours && reference ? ours.value / reference.value : Number.NaN;
    const met = Number.isNaN(ratio)
      ? "n/a"
      : (c.kind === "min" ? ratio >= c.goal : ratio < c.goal)
        ? "yes"
        : "NO";
    const goal = c.kind === "min" ? `>= ${c.goal}x` : `< ${c.goal}`;
    return `| ${c.label} | ${format(ours)} | ${format(reference)} | ${ratio.toFixed(2)} | ${goal} | ${met} |`;
  });
  return [
    "| benchmark | ours | reference | ratio | goal | met |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
