import type { Autopilot, DecisionNumbers } from "../../schema/autopilot.js";
import type { Experiment } from "../../schema/experiment.js";
import { readText } from "../results/metricVerdict.js";
import type { ExperimentResults, MetricResult } from "../results/resultTypes.js";
import { bestRead, readTreatments } from "../results/treatmentReads.js";
import { chanceText, countText, effectWithRelative, usersText } from "../results/verdictText.js";

/** The rules autopilot applies, in the order they are tried (docs/autopilot.md, "Rules"). */
export const AUTOPILOT_RULES = {
  srm: "A sample ratio mismatch (p < 0.001) comes first: nothing is decided while the split cannot be trusted.",
  rollback:
    "Roll back: a treatment's always-valid guardrail interval (at alpha = 1 - chance) lies wholly beyond the tolerated change: every entity gets the control.",
  promoteAlwaysValid:
    "Promote: with at least minUsers users exposed, a treatment's always-valid interval on the metric at level chance (1 - (1 - chance) / k for k treatments) lies wholly on the better side of 0 and none of its guardrails shows harm; the best estimate among several.",
  promoteBayesian:
    "Promote: with at least minUsers users exposed, a treatment's chance to beat the control on the metric is at least chance and none of its guardrails shows harm; the likeliest among several.",
  manual: "Shipped by hand.",
} as const;

/** What a policy says of the results now: act (and on what numbers), or why not. */
export type AutopilotRead =
  | {
      action: "promote" | "rollback";
      variantKey: string;
      metric: string;
      rule: string;
      summary: string;
      numbers: DecisionNumbers;
    }
  | { action: null; reason: string };

/**
 * Reads a policy against results built at `alpha = 1 - policy.promote.chance`: a sample
 * ratio mismatch decides nothing; a guardrail harm rolls back (when the policy says so);
 * then a treatment that beats the control on the policy's read, with `minUsers` reached and
 * no guardrail harmed, is promoted. Pure: the same results give the same answer.
 *
 * @example
 * readAutopilot(experiment, policy, results);
 * // { action: "promote", variantKey: "B", metric: "thumbs_up", numbers: { ... }, ... }
 */
export function readAutopilot(
  experiment: Experiment,
  policy: Autopilot,
  results: ExperimentResults,
): AutopilotRead {
  const { chance, read, minUsers } = policy.promote;
  const users = Object.fromEntries(results.variants.map((variant) => [variant.key, variant.users]));
  const totalUsers = results.variants.reduce((total, variant) => total + variant.users, 0);
  const base = { chance, alpha: results.alpha, users, totalUsers, minUsers };
  if (results.srm?.mismatch) return { action: null, reason: AUTOPILOT_RULES.srm };
  const harms = results.guardrailViolations.filter((entry) => entry.variantKey !== results.control);
  const harm = harms[0];
  if (harm && policy.rollbackOnGuardrailHarm) {
    const metric = results.metrics.find((entry) => entry.name === harm.metric);
    const verdict = metric?.variants.find((entry) => entry.variantKey === harm.variantKey)
      ?.comparison?.guardrail;
    const estimate = harm.absolute?.estimate ?? null;
    const moved =
      estimate === null || !metric
        ? ""
        : ` (${effectWithRelative(metric, estimate, harm.relative?.estimate ?? null)})`;
    return {
      action: "rollback",
      variantKey: results.control,
      metric: harm.metric,
      rule: AUTOPILOT_RULES.rollback,
      summary: `Rolled back to ${results.control}: ${harm.variantKey} breaks the guardrail ${harm.metric}, a ${harm.harm}${moved} beyond the tolerated change, ${usersText(totalUsers)}.`,
      numbers: {
        ...base,
        read: "always-valid",
        estimate,
        relative: harm.relative?.estimate ?? null,
        interval: verdict?.ci ?? null,
        level: 1 - results.alpha,
        chanceToBeatControl: null,
        pValue: null,
        guardrail: {
          metric: harm.metric,
          variantKey: harm.variantKey,
          harm: harm.harm,
          tolerance: harm.tolerance,
          toleranceScale: harm.toleranceScale,
          readOn: verdict?.readOn ?? null,
          margin: verdict?.margin ?? null,
          interval: verdict?.ci ?? null,
          bound: verdict?.bound ?? null,
        },
      },
    };
  }
  const metricName = policy.promote.metric ?? experiment.metrics.find((m) => m.primary)?.name;
  const metric = results.metrics.find((entry) => entry.name === metricName);
  if (!metric) return { action: null, reason: "The policy's metric is not in the results." };
  if (totalUsers < minUsers) {
    return {
      action: null,
      reason: `${usersText(totalUsers)} exposed, fewer than the ${countText(minUsers)} the policy needs before promoting.`,
    };
  }
  const harmed = new Set(harms.map((entry) => entry.variantKey));
  return read === "bayesian"
    ? bayesianPromotion(metric, harmed, chance, base)
    : alwaysValidPromotion(metric, harmed, results.alpha, base);
}

// --- Internal helpers ---

type BaseNumbers = Pick<DecisionNumbers, "chance" | "alpha" | "users" | "totalUsers" | "minUsers">;

function alwaysValidPromotion(
  metric: MetricResult,
  harmed: Set<string>,
  alpha: number,
  base: BaseNumbers,
): AutopilotRead {
  const reads = readTreatments(metric, alpha, "always-valid");
  const better = bestRead(
    reads.filter((entry) => entry.side === "better" && !harmed.has(entry.variantKey)),
    metric.direction,
  );
  if (!better) {
    const best = bestRead(reads, metric.direction);
    const where = best
      ? `the best, ${best.variantKey}, ${readText(metric, best, "always-valid")}`
      : "no interval yet";
    return {
      action: null,
      reason: `No treatment beats the control on ${metric.name} at ${chanceText(base.chance)} yet: ${where}.`,
    };
  }
  const comparison = metric.variants.find((v) => v.variantKey === better.variantKey)?.comparison;
  return {
    action: "promote",
    variantKey: better.variantKey,
    metric: metric.name,
    rule: AUTOPILOT_RULES.promoteAlwaysValid,
    summary: `Promoted ${better.variantKey}: ${metric.name} ${readText(metric, better, "always-valid")}, ${usersText(base.totalUsers)}.`,
    numbers: {
      ...base,
      read: "always-valid",
      estimate: better.estimate,
      relative: better.relative,
      interval: better.ci,
      level: better.level,
      chanceToBeatControl: comparison?.chanceToBeatControl ?? null,
      pValue: comparison?.pValue ?? null,
      guardrail: null,
    },
  };
}

function bayesianPromotion(
  metric: MetricResult,
  harmed: Set<string>,
  chance: number,
  base: BaseNumbers,
): AutopilotRead {
  const treatments = metric.variants.filter((variant) => variant.comparison?.bayesian);
  const likeliest = treatments
    .filter((variant) => !harmed.has(variant.variantKey))
    .reduce<(typeof treatments)[number] | undefined>(
      (best, variant) =>
        !best ||
        (variant.comparison?.bayesian?.chanceToBeatControl ?? 0) >
          (best.comparison?.bayesian?.chanceToBeatControl ?? 0)
          ? variant
          : best,
      undefined,
    );
  const bayesian = likeliest?.comparison?.bayesian;
  if (!likeliest || !bayesian || bayesian.chanceToBeatControl < chance) {
    const where = bayesian
      ? `the likeliest, ${likeliest?.variantKey}, has a ${chanceText(bayesian.chanceToBeatControl)} chance`
      : "no posterior yet";
    return {
      action: null,
      reason: `No treatment has a ${chanceText(chance)} chance to beat the control on ${metric.name} yet: ${where}.`,
    };
  }
  const comparison = likeliest.comparison;
  return {
    action: "promote",
    variantKey: likeliest.variantKey,
    metric: metric.name,
    rule: AUTOPILOT_RULES.promoteBayesian,
    summary: `Promoted ${likeliest.variantKey}: a ${chanceText(bayesian.chanceToBeatControl)} chance to beat the control on ${metric.name} (${effectWithRelative(metric, bayesian.absolute.estimate, bayesian.relative?.estimate ?? null)}), ${usersText(base.totalUsers)}.`,
    numbers: {
      ...base,
      read: "bayesian",
      estimate: bayesian.absolute.estimate,
      relative: bayesian.relative?.estimate ?? null,
      interval: bayesian.absolute.ci,
      level: 1 - base.alpha,
      chanceToBeatControl: bayesian.chanceToBeatControl,
      pValue: comparison?.pValue ?? null,
      guardrail: null,
    },
  };
}
