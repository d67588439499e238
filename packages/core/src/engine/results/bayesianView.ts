import type { MetricDirection, MetricKind } from "../../schema/experiment.js";
import { bayesianBinomial, bayesianNormal } from "../../stats/bayesian.js";
import { armEstimates } from "./armEstimates.js";
import type { MetricRow } from "./metricRows.js";
import type { BayesianComparison } from "./resultTypes.js";

const RATIO_PRIOR =
  "flat per arm: normal posterior of each arm's ratio with its delta-method standard error";

/**
 * A treatment's Bayesian view (see docs/statistics.md, "Bayesian view"): Beta(1, 1) posteriors
 * for a binomial metric; for the others, a flat prior and a normal posterior of each arm's
 * mean (or, for a ratio, of its ratio with the delta method's standard error). Null when an
 * arm has no users, or (not binomial) too few to estimate its variance.
 */
export function bayesian(
  metric: { kind: MetricKind; direction: MetricDirection },
  control: MetricRow,
  treatment: MetricRow,
  alpha: number,
): BayesianComparison | null {
  const options = { alpha, direction: metric.direction };
  if (metric.kind === "binomial") {
    return bayesianBinomial(
      { n: control.n, conversions: control.usersWithEvents },
      { n: treatment.n, conversions: treatment.usersWithEvents },
      options,
    );
  }
  const arms = armEstimates(metric.kind, control, treatment);
  if (!arms.control || !arms.treatment) return null;
  const posterior = ({ value, se }: { value: number; se: number }) => ({ mean: value, se });
  return bayesianNormal(
    posterior(arms.control),
    posterior(arms.treatment),
    options,
    metric.kind === "ratio" ? RATIO_PRIOR : undefined,
  );
}
