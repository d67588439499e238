import type { ExperimentResults, MetricResult } from "@abkit/core";

/**
 * The results as a table people read: the verdict first (what to do, and why), the SRM check,
 * then each metric with its own verdict (the judge's score and the cost per answer among
 * them), the primary metric by country, then latency.
 */
export function formatResults(results: ExperimentResults): string[] {
  const lines = [`Results of "${results.experimentKey}" (${results.status})`, ""];
  lines.push(...verdictLines(results.verdict), "");
  const split = results.variants.map((variant) => `${variant.key} ${variant.users}`).join(", ");
  // srm is null only for a bandit, whose shares move on purpose; this one has fixed weights.
  const srm = results.srm ?? { mismatch: false, pValue: 1 };
  lines.push(
    srm.mismatch
      ? `!! SAMPLE RATIO MISMATCH (p = ${srm.pValue.toExponential(1)}): exposures (${split}) do not match the weights; do not trust the numbers below until you know why.`
      : `Sample ratio: ok (${split}; p = ${srm.pValue.toFixed(2)})`,
    "",
  );
  for (const metric of results.metrics) lines.push(...metricTable(metric), "");
  lines.push(...sliceTable(results), "");
  const latency = results.logMetrics.find((metric) => metric.name === "latency_ms");
  if (latency) {
    lines.push("latency_ms (from execution logs)");
    const widths = [11, 7, 9, 9, 9];
    lines.push(row(["variant", "calls", "mean", "p50", "p95"], widths));
    for (const variant of latency.variants) {
      lines.push(
        row(
          [
            variant.variantKey,
            String(variant.count),
            ms(variant.mean),
            ms(variant.p50),
            ms(variant.p95),
          ],
          widths,
        ),
      );
    }
  }
  return lines;
}

// --- Internal helpers ---

// What to do in capitals, then the sentence with the numbers and the users still needed.
function verdictLines(verdict: ExperimentResults["verdict"]): string[] {
  const action = {
    ship: `SHIP ${verdict.variantKey}`,
    "keep-running": "KEEP RUNNING",
    "no-detectable-effect": "NO DETECTABLE EFFECT",
    "guardrail-harm": `STOP ${verdict.variantKey}: GUARDRAIL HARM`,
    srm: "DO NOT TRUST: SAMPLE RATIO MISMATCH",
  }[verdict.kind];
  const lines = [`Verdict: ${action}`, `  ${verdict.summary}`];
  if (verdict.usersNeeded !== null && verdict.usersNeeded > 0) {
    lines.push(`  Users still needed: ${verdict.usersNeeded}`);
  }
  return lines;
}

function metricTable(metric: MetricResult): string[] {
  const binomial = metric.kind === "binomial";
  // An execution metric reads every logged answer as one observation, not every user.
  const perAnswer = metric.unit === "execution";
  const tags = [
    binomial ? "rate of users" : `${metric.kind} per ${perAnswer ? "answer" : "user"}`,
    ...(metric.primary ? ["primary"] : []),
    ...(metric.direction === "lower" ? ["lower is better"] : []),
  ];
  const title = `${metric.name} (${tags.join(", ")})`;
  const lines = [
    title,
    row([
      "variant",
      perAnswer ? "answers" : "users",
      binomial ? "rate" : "mean",
      "uplift [95% CI]",
      "p-value",
      "P(beats control)",
    ]),
  ];
  for (const variant of metric.variants) {
    const value =
      variant.value === null ? "n/a" : binomial ? percent(variant.value) : amount(variant.value);
    const effect = variant.comparison;
    const uplift = effect?.relative
      ? `${signed(effect.relative.estimate)} [${signed(effect.relative.ci?.[0])}, ${signed(effect.relative.ci?.[1])}]`
      : effect
        ? "n/a"
        : "(control)";
    lines.push(
      row([
        variant.variantKey,
        String(variant.users),
        value,
        uplift,
        effect?.pValue === null || effect?.pValue === undefined ? "" : pValue(effect.pValue),
        effect?.chanceToBeatControl === null || effect?.chanceToBeatControl === undefined
          ? ""
          : percent(effect.chanceToBeatControl),
      ]),
    );
  }
  const verdict = metric.verdict;
  lines.push(`verdict: ${verdict.kind}${verdict.variantKey ? ` (${verdict.variantKey})` : ""}`);
  // A guardrail is its own question: not "did it move?" but "did it move past the tolerance?".
  if (metric.guardrail) {
    const { harm, tolerance, toleranceScale } = metric.guardrail;
    const limit =
      toleranceScale === "absolute" ? String(tolerance) : `${Math.round(100 * tolerance)}%`;
    const statuses = metric.variants
      .filter((variant) => variant.comparison?.guardrail)
      .map((variant) => `${variant.variantKey} ${variant.comparison?.guardrail?.status}`);
    lines.push(`guardrail (${harm} of at most ${limit}): ${statuses.join(", ") || "no read yet"}`);
  }
  return lines;
}

// The primary metric in each country: the treatment's uplift, its p-value adjusted (Holm)
// across the countries, so one lucky country does not read as a win.
function sliceTable(results: ExperimentResults): string[] {
  const primary = results.metrics.find((metric) => metric.primary);
  const country = results.dimensions.find((dimension) => dimension.name === "country");
  if (!primary || !country) return [];
  const lines = [
    `${primary.name} by country`,
    row(["country", "users", "uplift [95% CI]", "adjusted p"], SLICE_WIDTHS),
  ];
  for (const slice of country.slices) {
    const metric = slice.metrics.find((candidate) => candidate.name === primary.name);
    const effect = metric?.variants[1]?.comparison;
    const uplift = effect?.relative
      ? `${signed(effect.relative.estimate)} [${signed(effect.relative.ci?.[0])}, ${signed(effect.relative.ci?.[1])}]`
      : "n/a";
    const adjusted = effect?.pValueAdjusted ?? null;
    lines.push(
      row(
        [
          slice.value ?? slice.kind,
          String(slice.users),
          uplift,
          adjusted === null ? "" : pValue(adjusted),
        ],
        SLICE_WIDTHS,
      ),
    );
  }
  return lines;
}

const WIDTHS = [11, 7, 10, 27, 9, 16];
const SLICE_WIDTHS = [11, 7, 27, 10];

function row(cells: string[], widths = WIDTHS): string {
  return cells
    .map((cell, index) => cell.padEnd(widths[index] ?? 10))
    .join(" ")
    .trimEnd();
}

// Tokens read well with one decimal; a judge's grade or a cost per answer needs its digits.
function amount(value: number): string {
  return Math.abs(value) >= 10 ? value.toFixed(1) : value.toPrecision(3);
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

function signed(value: number | undefined): string {
  if (value === undefined) return "n/a";
  return `${value >= 0 ? "+" : ""}${(100 * value).toFixed(1)}%`;
}

function pValue(value: number): string {
  if (value === 0) return "<1e-300";
  return value < 0.001 ? value.toExponential(1) : value.toFixed(3);
}

function ms(value: number | null): string {
  return value === null ? "n/a" : `${Math.round(value)} ms`;
}
