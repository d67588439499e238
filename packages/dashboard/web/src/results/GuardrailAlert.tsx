import type { ExperimentResults } from "../api/types.js";
import { formatInterval, formatPercent, formatSignedPercent } from "../format.js";

/** Guardrails a treatment breaks, shown apart from (and above) the decision metric. */
export function GuardrailAlert({
  violations,
}: {
  violations: ExperimentResults["guardrailViolations"];
}) {
  if (violations.length === 0) return null;
  return (
    <div class="srm srm-mismatch" role="alert" data-testid="guardrail-alert">
      <strong>Guardrail broken</strong>
      <ul>
        {violations.map((violation) => (
          <li key={`${violation.metric}/${violation.variantKey}`}>
            <strong>{violation.variantKey}</strong> moves <strong>{violation.metric}</strong> by{" "}
            {formatSignedPercent(violation.relative?.estimate)}{" "}
            {formatInterval(violation.relative?.ci, formatSignedPercent)}: a{" "}
            {violation.harm === "increase" ? "rise" : "fall"} beyond the tolerated{" "}
            {formatPercent(violation.tolerance)}.
          </li>
        ))}
      </ul>
    </div>
  );
}
