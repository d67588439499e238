import type { AutopilotDecision, MetricVerdict, Verdict } from "@abkit/core";
import { formatCount } from "./numbers.js";

/**
 * The verdict as the first lines of the results: what to do in capitals, the sentence with
 * the numbers, and the users still needed (and days at the plan's daily users).
 *
 * @example
 * verdictSection(results.verdict, 1000);
 * // "Verdict: KEEP RUNNING (thumbs_up, always-valid interval)\n  Keep running: ...\n
 * //   Users needed: 5,682 more, about 6 days at 1,000 a day"
 */
export function verdictSection(verdict: Verdict, dailyUsers?: number): string {
  const on = [
    ...(verdict.metric === null ? [] : [verdict.metric]),
    ...(verdict.kind === "srm" ? [] : [`${verdict.interval} interval`]),
  ];
  const lines = [
    `Verdict: ${headline(verdict)}${on.length === 0 ? "" : ` (${on.join(", ")})`}`,
    `  ${verdict.summary}`,
  ];
  if (verdict.kind === "keep-running" || verdict.kind === "no-detectable-effect") {
    lines.push(`  Users needed: ${usersNeeded(verdict.usersNeeded, dailyUsers)}`);
  }
  return lines.join("\n");
}

/**
 * The experiment's latest decision in one line, when it has one:
 * `Decision: promote B by autopilot at 2026-12-03T21:00:00Z. Promoted B: converted ...`.
 */
export function decisionLine(decision: AutopilotDecision | null): string[] {
  if (!decision) return [];
  return [
    `Decision: ${decision.action} ${decision.variantKey} by ${decision.by} at ${decision.at}. ${decision.summary}`,
  ];
}

/** One metric's verdict, under its table: `  Verdict: better (B). thumbs_up is better ...`. */
export function metricVerdictLine(verdict: MetricVerdict): string {
  const variant = verdict.variantKey === null ? "" : ` (${verdict.variantKey})`;
  return `  Verdict: ${verdict.kind}${variant}. ${verdict.summary}`;
}

// --- Internal helpers ---

function headline(verdict: Verdict): string {
  switch (verdict.kind) {
    case "ship":
      return `SHIP ${verdict.variantKey ?? ""}`.trimEnd();
    case "guardrail-harm":
      return `STOP ${verdict.variantKey ?? ""}: GUARDRAIL HARM`;
    case "srm":
      return "DO NOT TRUST: SAMPLE RATIO MISMATCH";
    case "no-detectable-effect":
      return "NO DETECTABLE EFFECT";
    case "keep-running":
      return "KEEP RUNNING";
  }
}

function usersNeeded(users: number | null, dailyUsers: number | undefined): string {
  if (users === null) return "unknown (no plan, or no planned size yet)";
  if (users === 0) return "none, the planned size is reached";
  const days =
    dailyUsers === undefined
      ? ""
      : `, about ${formatCount(Math.ceil(users / dailyUsers))} days at ${formatCount(dailyUsers)} a day`;
  return `${formatCount(users)} more${days}`;
}
