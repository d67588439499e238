import type { ExperimentResults, MetricResult, VariantMetricResult } from "@abkit/core";
import {
  formatChance,
  formatCount,
  formatInterval,
  formatNumber,
  formatPercent,
  formatPoints,
  formatPValue,
  NA,
} from "./numbers.js";
import { type Column, renderTable } from "./table.js";
import { decisionLine, metricVerdictLine, verdictSection } from "./verdict.js";

/** Options of `renderResults`. */
export interface RenderResultsOptions {
  /** The plan's users a day (`experiment.plan.dailyUsers`): users needed become days too. */
  dailyUsers?: number | undefined;
}

/**
 * Renders `abkit.results()` for a terminal: the verdict first (what to do, the sentence
 * behind it, the users still needed), the sample-ratio check (a mismatch makes every other
 * number suspect), the variants, one table per metric (users, rate or mean,
 * effect against the control with its interval, relative effect, p-value, Holm-adjusted
 * p-value with 3+ variants, chance to beat the control in the metric's direction (a
 * lower-is-better metric says so in its heading), always-valid interval) with the metric's
 * verdict under it, then the execution log metrics (count, mean, p50/p95/p99, and the mean,
 * p50 and p95 differences against the control with their intervals).
 *
 * @example
 * process.stdout.write(`${renderResults(await abkit.results("checkout"))}\n`);
 */
export function renderResults(
  results: ExperimentResults,
  options: RenderResultsOptions = {},
): string {
  const level = `${formatNumber((1 - results.alpha) * 100)}%`;
  const sections = [
    `Experiment ${results.experimentKey} (${results.status})\n` +
      `Control: ${results.control}. Intervals: ${level}. Effects: treatment minus control.`,
    verdictSection(results.verdict, options.dailyUsers),
    ...decisionLine(results.decision),
    srmSection(results),
    ...guardrailSection(results),
    variantsSection(results),
    ...(results.metrics.length === 0
      ? ["No metrics yet: declare them on the experiment or track events of exposed users."]
      : results.metrics.map((metric) => metricSection(metric, level))),
    ...results.logMetrics.map((metric) => logMetricSection(metric, level)),
    "P-values hold when read once, at a sample size fixed in advance; the sequential\n" +
      "interval stays valid however often you look.",
  ];
  return sections.join("\n\n");
}

// --- Internal helpers ---

function srmSection({ srm, variants, bandit }: ExperimentResults): string {
  if (!srm || bandit) {
    const arms = (bandit?.arms ?? [])
      .map(
        (arm) =>
          `${arm.variantKey} ${formatNumber(arm.weight)}% (best: ${formatChance(arm.chanceToBeBest)})`,
      )
      .join(", ");
    return (
      `Bandit: shares now ${arms}; ${bandit?.history.length ?? 0} rebalances.\n` +
      "Shares move with the data, so no sample-ratio check and no fixed-sample p-values."
    );
  }
  const stats = `chi-square ${formatNumber(srm.chiSquare)}, p = ${formatPValue(srm.pValue)}`;
  if (srm.mismatch) {
    return [
      `!! SAMPLE RATIO MISMATCH (${stats} < 0.001): users did not reach`,
      "!! the variants in the proportions of their weights. Distrust every number below",
      "!! until you find why exposures drifted (see docs/statistics.md).",
    ].join("\n");
  }
  const users = variants.reduce((total, variant) => total + variant.users, 0);
  if (users === 0) return "Sample ratio: no users exposed yet.";
  return `Sample ratio: ok, users match the weights (${stats}).`;
}

// Broken guardrails, apart from (and above) the metrics: a win must not be read without them.
function guardrailSection({ guardrailViolations }: ExperimentResults): string[] {
  if (guardrailViolations.length === 0) return [];
  return [
    guardrailViolations
      .map((violation) => {
        const relative = (value: number) => formatPercent(value, true);
        const units = (value: number) => formatNumber(value, true);
        // A relative reading when there is one; else the absolute one it fell back on.
        const moved = violation.relative?.ci
          ? `${relative(violation.relative.estimate)} ${formatInterval(violation.relative.ci, relative)}`
          : violation.absolute?.estimate != null
            ? `${units(violation.absolute.estimate)} ${formatInterval(violation.absolute.ci, units)}`
            : NA;
        const tolerated =
          violation.toleranceScale === "absolute"
            ? formatNumber(violation.tolerance)
            : formatPercent(violation.tolerance);
        return (
          `!! GUARDRAIL ${violation.metric}: ${violation.variantKey} moves it by ${moved}, ` +
          `a ${violation.harm} beyond the tolerated ${tolerated}.`
        );
      })
      .join("\n"),
  ];
}

function variantsSection({ variants }: ExperimentResults): string {
  const total = variants.reduce((sum, variant) => sum + variant.users, 0);
  const rows = variants.map((variant) => [
    variant.key,
    `${formatNumber(variant.weight)}%`,
    formatCount(variant.users),
    total === 0 ? NA : formatPercent(variant.users / total),
  ]);
  const columns: Column[] = [
    { header: "VARIANT" },
    { header: "WEIGHT", align: "right" },
    { header: "USERS", align: "right" },
    { header: "SHARE", align: "right" },
  ];
  return `Variants\n${renderTable(columns, rows, "  ")}`;
}

function metricSection(metric: MetricResult, level: string): string {
  const perExecution = metric.unit === "execution";
  const tags = [
    metric.kind,
    ...(perExecution ? ["unit: execution"] : []),
    ...(metric.primary ? ["primary"] : []),
  ];
  // BEAT CONTROL reads in the metric's direction: say so where it is the lower side.
  if (metric.direction === "lower") tags.push("lower is better");
  if (!metric.declared) tags.push("not declared, read as count");
  const holm = metric.variants.length > 2;
  const columns: Column[] = [
    { header: "VARIANT" },
    // An execution metric's observations are executions (logs), not users.
    { header: perExecution ? "EXECUTIONS" : "USERS", align: "right" },
    { header: perExecution ? "MEAN PER EXECUTION" : VALUE_HEADERS[metric.kind], align: "right" },
    { header: `EFFECT (${level} CI)` },
    { header: "RELATIVE", align: "right" },
    { header: "P-VALUE", align: "right" },
    ...(holm ? [{ header: "P (HOLM)", align: "right" } as const] : []),
    { header: "BEAT CONTROL", align: "right" },
    { header: `SEQUENTIAL ${level} CI` },
  ];
  const rows = metric.variants.map((variant) => metricRow(metric, variant, holm));
  const table = renderTable(columns, rows, "  ");
  return `Metric ${metric.name} (${tags.join(", ")})\n${table}\n${metricVerdictLine(metric.verdict)}`;
}

const VALUE_HEADERS: Record<MetricResult["kind"], string> = {
  binomial: "RATE (CONVERTED)",
  count: "MEAN PER USER",
  sum: "MEAN PER USER",
  mean: "MEAN (ACTIVE USERS)",
  ratio: "RATIO",
};

function metricRow(metric: MetricResult, variant: VariantMetricResult, holm: boolean): string[] {
  const binomial = metric.kind === "binomial";
  const value = binomial
    ? `${formatPercent(variant.value)} (${formatCount(variant.usersWithEvents)})`
    : metric.kind === "mean"
      ? `${formatNumber(variant.value)} (${formatCount(variant.n)})`
      : formatNumber(variant.value);
  const head = [variant.variantKey, formatCount(variant.users), value];
  const comparison = variant.comparison;
  if (!comparison) return [...head, "(control)"];
  const bound = binomial ? (v: number) => formatPoints(v).replace(" pp", "") : signedNumber;
  const effect = binomial
    ? formatPoints(comparison.absolute.estimate)
    : formatNumber(comparison.absolute.estimate, true);
  return [
    ...head,
    comparison.absolute.estimate === null
      ? NA
      : `${effect} ${comparison.absolute.ci ? formatInterval(comparison.absolute.ci, bound) : "[n/a]"}`,
    comparison.relative ? formatPercent(comparison.relative.estimate, true) : NA,
    formatPValue(comparison.pValue),
    ...(holm ? [formatPValue(comparison.pValueAdjusted)] : []),
    formatChance(comparison.chanceToBeatControl),
    formatInterval(comparison.sequential?.ci, bound),
  ];
}

function signedNumber(value: number): string {
  return formatNumber(value, true);
}

function logMetricSection(metric: ExperimentResults["logMetrics"][number], level: string): string {
  const columns: Column[] = [
    { header: "VARIANT" },
    { header: "COUNT", align: "right" },
    { header: "MEAN", align: "right" },
    { header: "P50", align: "right" },
    { header: "P95", align: "right" },
    { header: "P99", align: "right" },
  ];
  const rows = metric.variants.map((variant) => [
    variant.variantKey,
    formatCount(variant.count),
    formatNumber(variant.mean),
    formatNumber(variant.p50),
    formatNumber(variant.p95),
    formatNumber(variant.p99),
  ]);
  const heading = `Log metric ${metric.name} (from execution logs)`;
  const compared = metric.variants.flatMap((variant) => {
    const comparison = variant.comparison;
    if (!comparison) return [];
    return [
      [
        variant.variantKey,
        difference(comparison.mean),
        difference(comparison.p50),
        difference(comparison.p95),
      ],
    ];
  });
  const tables = [renderTable(columns, rows, "  ")];
  if (compared.length > 0) {
    const differences: Column[] = [
      { header: "AGAINST CONTROL" },
      { header: `MEAN DIFF (${level} CI)` },
      { header: `P50 DIFF (${level} CI)` },
      { header: `P95 DIFF (${level} CI)` },
    ];
    tables.push(renderTable(differences, compared, "  "));
  }
  return `${heading}\n${tables.join("\n")}`;
}

// A log metric's difference with its interval; `[n/a]` without one, `n/a` without either.
function difference(part: { estimate: number | null; ci: [number, number] | null }): string {
  if (part.estimate === null) return NA;
  const interval = part.ci ? formatInterval(part.ci, signedNumber) : "[n/a]";
  return `${signedNumber(part.estimate)} ${interval}`;
}
