import type { MetricVerdict } from "../api/types.js";

const LABEL: Record<MetricVerdict["kind"], string> = {
  better: "better",
  worse: "worse",
  "no-detectable-effect": "no detectable effect",
  "keep-running": "keep running",
  "guardrail-harm": "guardrail harm",
};

/** One metric's verdict, coloured like its effects: better green, worse or harm red. */
export function MetricVerdictLine({ name, verdict }: { name: string; verdict: MetricVerdict }) {
  const tone =
    verdict.kind === "better"
      ? "better"
      : verdict.kind === "worse" || verdict.kind === "guardrail-harm"
        ? "worse"
        : "unclear";
  return (
    <p class="metric-verdict" data-testid={`metric-verdict-${name}`} data-kind={verdict.kind}>
      <span class={`badge verdict-badge effect-${tone}`}>{LABEL[verdict.kind]}</span>
      {/* The sentence names the treatment; alone, the badge needs it beside. */}
      {verdict.variantKey && !verdict.summary && <strong> {verdict.variantKey}</strong>}
      {verdict.summary && (
        <>
          {" "}
          <span data-cell="summary">{verdict.summary}</span>
        </>
      )}
    </p>
  );
}
