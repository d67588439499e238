import { type Experiment, metricDirection } from "../../schema/experiment.js";
import { srmTest } from "../../stats/srmTest.js";
import type { Posterior } from "../../stats/thompson.js";
import type { ExperimentAggregates, LogSummaries } from "../../store.js";
import { banditChances, banditPosteriors } from "./bandit.js";
import { adjustPValues, metricVariants, withoutFixedSampleClaims } from "./comparisons.js";
import { dimensionResults } from "./dimensions.js";
import { effectOverTime } from "./effectOverTime.js";
import { executionView, withoutVarianceClaims } from "./executionMetrics.js";
import { logMetrics } from "./logMetrics.js";
import { metricRows } from "./metricRows.js";
import { eventsOverTime, exposuresOverTime } from "./overTime.js";
import type {
  BanditResults,
  ExperimentResults,
  GuardrailViolation,
  MetricResult,
  MultipleTesting,
} from "./resultTypes.js";
import { withVerdicts } from "./verdict.js";

/** Turns an experiment's aggregates into results; costs O(variants × metrics). */
export function buildResults(
  experiment: Experiment,
  entityAggregates: ExperimentAggregates,
  logSummaries: LogSummaries,
  alpha: number,
  correction: MultipleTesting = {},
): ExperimentResults {
  // Execution metrics read the log summaries in the aggregates' shape (executionMetrics.ts).
  const { aggregates, varianceUnknown } = executionView(experiment, entityAggregates, logSummaries);
  const method = correction.method ?? "holm";
  const across = correction.across ?? "metrics";
  const control = experiment.control ?? experiment.variants[0]?.key ?? "";
  const ordered = [
    ...experiment.variants.filter((variant) => variant.key === control),
    ...experiment.variants.filter((variant) => variant.key !== control),
  ];
  const users = (key: string) => aggregates.exposures[key] ?? 0;
  const declared = new Set(experiment.metrics.map((metric) => metric.name));
  const metrics = [
    ...experiment.metrics.map((metric) => ({
      ...metric,
      direction: metricDirection(metric),
      declared: true,
      unit: metric.unit ?? ("entity" as const),
    })),
    ...Object.keys(aggregates.metrics)
      .filter((name) => !declared.has(name))
      .sort()
      .map((name) => ({
        name,
        kind: "count" as const,
        primary: false,
        direction: "higher" as const,
        declared: false,
        unit: "entity" as const,
      })),
  ];
  const variantUsers = ordered.map((variant) => ({ key: variant.key, users: users(variant.key) }));
  const variantKeys = ordered.map((variant) => variant.key);
  // An execution metric's observations are its executions: each variant's count of them.
  const executions = (name: string) =>
    variantKeys.map((key) => {
      const byVariant = Object.hasOwn(aggregates.metrics, name) ? aggregates.metrics[name] : {};
      return {
        key,
        users: (byVariant && Object.hasOwn(byVariant, key) && byVariant[key]?.entities) || 0,
      };
    });
  const results: MetricResult[] = metrics.map((metric) => {
    const perExecution = metric.unit === "execution";
    const rows = metricRows(
      metric,
      perExecution ? executions(metric.name) : variantUsers,
      aggregates,
    );
    const result: MetricResult = {
      ...metric,
      variants: metricVariants(metric, rows, alpha),
      eventsOverTime:
        perExecution ||
        metric.kind === "ratio" ||
        !Object.hasOwn(aggregates.eventsByDay, metric.name)
          ? []
          : eventsOverTime(variantKeys, aggregates.eventsByDay[metric.name]!),
      effectOverTime: perExecution
        ? []
        : effectOverTime(metric, variantKeys, aggregates, alpha, {
            intervals: !experiment.bandit,
          }),
      verdict: { kind: "keep-running", variantKey: null, summary: "" },
    };
    if (varianceUnknown.has(metric.name)) withoutVarianceClaims(result);
    return result;
  });
  adjustPValues(results, method, across);
  if (experiment.bandit) withoutFixedSampleClaims(results);
  // The verdicts read everything else; the placeholders below are replaced.
  return withVerdicts(experiment.plan ?? null, {
    experimentKey: experiment.key,
    experimentId: experiment.id,
    status: experiment.status,
    control,
    alpha,
    variants: ordered.map((variant) => ({
      key: variant.key,
      weight: variant.weight,
      users: users(variant.key),
    })),
    srm: experiment.bandit
      ? null
      : srmTest(
          ordered.map((variant) => users(variant.key)),
          ordered.map((variant) => variant.weight),
        ),
    verdict: {
      kind: "keep-running",
      variantKey: null,
      metric: null,
      summary: "",
      rule: "",
      usersNeeded: null,
      interval: "always-valid",
    },
    bandit: experiment.bandit ? banditResults(experiment, aggregates) : null,
    exposuresOverTime: exposuresOverTime(
      ordered.map((variant) => variant.key),
      aggregates.exposuresByDay,
    ),
    metrics: results,
    guardrailViolations: guardrailViolations(results),
    correction: { method, across },
    logMetrics: logMetrics(
      ordered.map((variant) => variant.key),
      logSummaries,
      { alpha, bandit: Boolean(experiment.bandit) },
    ),
    dimensions: dimensionResults(
      experiment,
      aggregates,
      variantKeys,
      metrics.filter((metric) => metric.unit !== "execution"),
      alpha,
    ),
    decision: experiment.decisions?.at(-1) ?? null,
  });
}

// --- Internal helpers ---

function banditResults(experiment: Experiment, aggregates: ExperimentAggregates): BanditResults {
  const posteriors = banditPosteriors(experiment, aggregates);
  const chances = banditChances(experiment, posteriors);
  const live = experiment.banditState?.weights;
  return {
    floor: experiment.bandit?.floor ?? 0,
    intervalMs: experiment.bandit?.intervalMs ?? null,
    arms: experiment.variants.map((variant, index) => ({
      variantKey: variant.key,
      weight: live?.[variant.key] ?? variant.weight,
      chanceToBeBest: chances[index] ?? 0,
      posterior: posteriors[index] as Posterior,
    })),
    history: experiment.banditState?.history ?? [],
  };
}

function guardrailViolations(metrics: MetricResult[]): GuardrailViolation[] {
  return metrics.flatMap((metric) =>
    metric.variants.flatMap((variant) => {
      const verdict = variant.comparison?.guardrail;
      if (verdict?.status !== "harm") return [];
      return [
        {
          metric: metric.name,
          variantKey: variant.variantKey,
          harm: verdict.harm,
          tolerance: verdict.tolerance,
          toleranceScale: verdict.toleranceScale,
          absolute: variant.comparison?.absolute ?? null,
          relative: variant.comparison?.relative ?? null,
        },
      ];
    }),
  );
}
