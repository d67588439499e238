import type { ExperimentPlan, Verdict } from "../api/types.js";
import { formatCount } from "../format.js";
import { verdictTone } from "./verdictTone.js";

const HEADLINE: Record<Verdict["kind"], (verdict: Verdict) => string> = {
  ship: (verdict) => `Ship ${verdict.variantKey ?? "the treatment"}`,
  "no-detectable-effect": () => "No detectable effect",
  "guardrail-harm": (verdict) => `Stop: ${verdict.variantKey ?? "a treatment"} harms a guardrail`,
  srm: () => "Stop: sample ratio mismatch",
  "keep-running": () => "Keep running",
};

/**
 * What the results say to do, first, as the API decided it: the headline, its sentence, the
 * rule behind it and the users still needed (in days too when the plan knows the daily users).
 */
export function VerdictBanner({
  verdict,
  plan,
}: {
  verdict: Verdict;
  plan: ExperimentPlan | null | undefined;
}) {
  const tone = verdictTone(verdict.kind);
  const dailyUsers = plan?.dailyUsers;
  // A labelled region, not an alert: the SRM and guardrail alerts below already speak up.
  return (
    <section
      class={`verdict verdict-${tone}`}
      aria-label="Verdict"
      data-testid="verdict"
      data-kind={verdict.kind}
    >
      <strong class="verdict-headline">{HEADLINE[verdict.kind](verdict)}</strong>
      {verdict.metric && <span class="muted"> on {verdict.metric}</span>}
      {verdict.summary && (
        <p class="verdict-summary" data-cell="summary">
          {verdict.summary}
        </p>
      )}
      {verdict.rule && (
        <p class="verdict-rule" data-cell="rule">
          {verdict.rule}
        </p>
      )}
      {verdict.usersNeeded !== null && (
        <p class="verdict-rule" data-cell="users-needed">
          {verdict.usersNeeded === 0
            ? "The planned sample size is reached."
            : `${formatCount(verdict.usersNeeded)} more users needed for the planned effect${
                dailyUsers
                  ? `: about ${formatCount(Math.ceil(verdict.usersNeeded / dailyUsers))} days at ${formatCount(dailyUsers)} users a day`
                  : ""
              }.`}
        </p>
      )}
      <p class="verdict-rule muted">
        Read on the {verdict.interval === "always-valid" ? "always-valid" : "fixed-sample"}{" "}
        interval.
      </p>
    </section>
  );
}
