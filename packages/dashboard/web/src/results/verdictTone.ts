import type { Verdict } from "../api/types.js";

/** How a verdict is coloured: go, stop, or wait. */
export function verdictTone(kind: Verdict["kind"]): "good" | "bad" | "neutral" {
  if (kind === "ship") return "good";
  if (kind === "guardrail-harm" || kind === "srm") return "bad";
  return "neutral";
}
