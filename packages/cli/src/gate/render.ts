import {
  formatChance,
  formatCount,
  formatInterval,
  formatNumber,
  formatPValue,
} from "../format/numbers.js";
import type { GateDecision } from "./decide.js";

const HEADINGS = {
  pass: "PASS",
  fail: "FAIL",
  inconclusive: "INCONCLUSIVE (not enough data)",
} as const;

/** The decision, its reasons, then the numbers behind it, for a CI log. */
export function renderGate(experimentKey: string, decision: GateDecision): string {
  const { numbers } = decision;
  const about = decision.variant === null ? "" : `, ${decision.variant}`;
  const lines = [
    `Gate ${experimentKey}: ${HEADINGS[decision.decision]} (exit ${decision.exitCode}; ${decision.metric}${about})`,
    ...decision.reasons.map((reason) => `  - ${reason}`),
    "",
    `Metric ${decision.metric} (${numbers.direction} is better), ${numbers.interval} interval:`,
    `  ${numbers.control.variantKey} (control): ${formatCount(numbers.control.users)} users, value ${formatNumber(numbers.control.value)}`,
  ];
  for (const treatment of numbers.treatments) {
    lines.push(
      `  ${treatment.variantKey}: ${formatCount(treatment.users)} users, value ${formatNumber(treatment.value)}, effect ${formatNumber(treatment.estimate, true)} ${formatInterval(treatment.interval, (bound) => formatNumber(bound))}, chance to beat ${formatChance(treatment.chanceToBeatControl)}, p = ${formatPValue(treatment.pValue)} (${treatment.reading})`,
    );
  }
  const srm = numbers.srm;
  lines.push(
    srm === null
      ? "Sample ratio: not checked (a bandit)"
      : `Sample ratio: ${srm.mismatch ? "MISMATCH" : "ok"} (chi-square ${formatNumber(srm.chiSquare)}, p = ${formatPValue(srm.pValue)})`,
    `Guardrails: ${numbers.guardrailViolations.length === 0 ? "no harm" : numbers.guardrailViolations.map((v) => `${v.metric} harmed in ${v.variantKey}`).join("; ")}`,
    `Engine verdict: ${numbers.experimentVerdict.kind}: ${numbers.experimentVerdict.summary}`,
  );
  return lines.join("\n");
}
