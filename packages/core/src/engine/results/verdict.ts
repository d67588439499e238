import type { ExperimentPlan } from "../../schema/experiment.js";
import { metricVerdict, readText } from "./metricVerdict.js";
import { type PlannedSize, plannedSize } from "./plannedSize.js";
import type { ExperimentResults, MetricResult, MetricVerdict, Verdict } from "./resultTypes.js";
import { bestRead, readTreatments, type VerdictInterval } from "./treatmentReads.js";
import { chanceText, countText, effectWithRelative, pValueText, usersText } from "./verdictText.js";

/** The rules, in the order they are tried (docs/statistics.md, "Verdicts"). */
export const VERDICT_RULES = {
  srm: "A sample ratio mismatch (srm.mismatch, p < 0.001) comes first: no other number can be trusted.",
  guardrail:
    "A treatment breaks a guardrail (its interval lies wholly beyond the tolerated change): stop it, whatever the primary metric says.",
  noPrimary: "Without a primary metric there is nothing to decide on: mark one metric primary.",
  ship: "A treatment's interval on the primary metric lies wholly on the better side of 0 (always-valid at alpha / treatments before the planned size, fixed with adjusted p < alpha from it): ship it, the best estimate among several.",
  shipControl:
    "Every treatment's interval on the primary metric lies wholly on the worse side of 0: ship the control.",
  keepRunning:
    "Before the planned size, or without a plan, no always-valid interval on the primary metric excludes 0: keep running.",
  noEffect:
    "The planned size is reached and no fixed interval on the primary metric shows a better treatment: any effect is smaller than the plan could detect.",
  stoppedEarly:
    "The experiment was stopped before any interval on the primary metric excluded 0: no detectable effect, however many users it had.",
  banditShip:
    "Bandit: an arm's chance to be best on the primary metric is at least 1 - alpha: ship it.",
  banditKeep:
    "Bandit: no arm's chance to be best on the primary metric reaches 1 - alpha yet: keep running.",
} as const;

/** What the verdicts are read from: the built results, before their verdicts. */
export type VerdictInput = Pick<
  ExperimentResults,
  "status" | "control" | "alpha" | "variants" | "srm" | "metrics" | "guardrailViolations" | "bandit"
>;

/**
 * The results with their verdicts filled in: each metric's (`metricVerdict`, on the
 * interval the experiment's verdict reads) and the experiment's (`experimentVerdict`).
 *
 * @example
 * const results = withVerdicts(experiment.plan ?? null, built);
 * results.verdict; // { kind: "ship", variantKey: "B", metric: "thumbs_up", ... }
 */
export function withVerdicts<T extends VerdictInput>(plan: ExperimentPlan | null, results: T): T {
  const verdict = stoppedEarly(results.status, experimentVerdict(results, plan));
  return {
    ...results,
    verdict,
    metrics: results.metrics.map((metric) => ({
      ...metric,
      verdict: results.bandit
        ? banditMetricVerdict(results, metric)
        : metricVerdict(metric, results.alpha, verdict.interval),
    })),
  };
}

/**
 * What to do with the experiment: the first rule that applies of `srm`, `guardrail-harm`,
 * then the primary metric's `ship` (a treatment, or the control when every treatment is
 * worse), `no-detectable-effect` or `keep-running`. A bandit ships an arm once its chance to
 * be best reaches `1 - alpha`. Before the plan's size (or without a plan) the primary metric
 * is read on the always-valid interval, from it on the fixed one.
 *
 * @example
 * experimentVerdict(results, { mde: 0.05, mdeScale: "relative", power: 0.8 });
 * // { kind: "keep-running", usersNeeded: 6482, interval: "always-valid", ... }
 */
export function experimentVerdict(results: VerdictInput, plan: ExperimentPlan | null): Verdict {
  const users = results.variants.reduce((total, variant) => total + variant.users, 0);
  const primary = results.metrics.find((metric) => metric.primary);
  const size =
    primary && !results.bandit
      ? plannedSize(
          plan,
          primary,
          results.variants.map((variant) => variant.weight),
          results.alpha,
        )
      : null;
  const interval: VerdictInterval = size && users >= size.totalUsers ? "fixed" : "always-valid";
  const base = { interval, usersNeeded: null, metric: primary?.name ?? null };
  if (results.srm?.mismatch) {
    const split = results.variants.map((variant) => `${variant.key} ${countText(variant.users)}`);
    return {
      ...base,
      metric: null,
      kind: "srm",
      variantKey: null,
      rule: VERDICT_RULES.srm,
      summary: `Do not trust these results: the exposures (${split.join(", ")}) do not match the weights (sample ratio mismatch, p = ${pValueText(results.srm.pValue)}).`,
    };
  }
  const violation = results.guardrailViolations.find(
    (entry) => entry.variantKey !== results.control,
  );
  if (violation) {
    const effect = violation.absolute?.estimate;
    const metric = results.metrics.find((entry) => entry.name === violation.metric);
    const moved =
      effect === null || effect === undefined || !metric
        ? ""
        : ` (${effectWithRelative(metric, effect, violation.relative?.estimate ?? null)})`;
    return {
      ...base,
      metric: violation.metric,
      kind: "guardrail-harm",
      variantKey: violation.variantKey,
      rule: VERDICT_RULES.guardrail,
      summary: `Stop ${violation.variantKey}: it breaks the guardrail ${violation.metric}, a ${violation.harm}${moved} beyond the tolerated change, ${usersText(users)}.`,
    };
  }
  if (!primary) {
    return {
      ...base,
      kind: "keep-running",
      variantKey: null,
      rule: VERDICT_RULES.noPrimary,
      summary: `No verdict: mark one metric primary to decide on it (${usersText(users)} so far).`,
    };
  }
  if (results.bandit) return banditVerdict(results, primary, users);
  return primaryVerdict(results, primary, users, size, interval, plan);
}

// --- Internal helpers ---

// A stopped (or shipped) experiment cannot keep running: what it would have needed is no
// effect found.
function stoppedEarly(status: VerdictInput["status"], verdict: Verdict): Verdict {
  const ended = status === "stopped" || status === "shipped";
  if (!ended || verdict.kind !== "keep-running") return verdict;
  if (verdict.rule === VERDICT_RULES.noPrimary) return verdict;
  return {
    ...verdict,
    kind: "no-detectable-effect",
    rule: VERDICT_RULES.stoppedEarly,
    summary: verdict.summary.replace(/^Keep running: /, "Stopped before a conclusion: "),
  };
}

function primaryVerdict(
  results: VerdictInput,
  primary: MetricResult,
  users: number,
  size: PlannedSize | null,
  interval: VerdictInterval,
  plan: ExperimentPlan | null,
): Verdict {
  const reads = readTreatments(primary, results.alpha, interval);
  const base = { interval, metric: primary.name };
  const better = bestRead(
    reads.filter((read) => read.side === "better"),
    primary.direction,
  );
  if (better) {
    return {
      ...base,
      kind: "ship",
      variantKey: better.variantKey,
      usersNeeded: 0,
      rule: VERDICT_RULES.ship,
      summary: `Ship ${better.variantKey}: ${primary.name} ${readText(primary, better, interval)}, ${usersText(users)}.`,
    };
  }
  const treatments = primary.variants.length - 1;
  if (
    treatments > 0 &&
    reads.length === treatments &&
    reads.every((read) => read.side === "worse")
  ) {
    const best = bestRead(reads, primary.direction);
    return {
      ...base,
      kind: "ship",
      variantKey: results.control,
      usersNeeded: 0,
      rule: VERDICT_RULES.shipControl,
      summary: `Ship ${results.control}, the control: every treatment is worse on ${primary.name}, the best ${best ? `${best.variantKey} ${readText(primary, best, interval)}` : ""}, ${usersText(users)}.`,
    };
  }
  const best = bestRead(reads, primary.direction);
  const read = best ? `${best.variantKey} ${readText(primary, best, interval)}` : "no interval yet";
  const planned = size ? ` to detect ${plannedEffect(primary, size)}` : "";
  if (interval === "fixed" && size) {
    return {
      ...base,
      kind: "no-detectable-effect",
      variantKey: null,
      usersNeeded: 0,
      rule: VERDICT_RULES.noEffect,
      summary: `No detectable effect on ${primary.name}: ${read}, at ${countText(users)} of the ${usersText(size.totalUsers)} planned${planned}.`,
    };
  }
  const needed = size ? Math.max(0, size.totalUsers - users) : null;
  const days =
    needed !== null && plan?.dailyUsers
      ? `, about ${countText(Math.ceil(needed / plan.dailyUsers))} days at ${countText(plan.dailyUsers)} a day`
      : "";
  const remaining =
    needed === null
      ? plan
        ? "; no planned size yet (the control has no baseline, or the metric is a ratio)"
        : "; set a plan to know how many users it needs"
      : `; ${countText(needed)} more of the ${countText(size?.totalUsers ?? 0)} planned${planned}${days}`;
  return {
    ...base,
    kind: "keep-running",
    variantKey: null,
    usersNeeded: needed,
    rule: VERDICT_RULES.keepRunning,
    summary: `Keep running: ${primary.name} is not conclusive yet at ${usersText(users)}: ${read}${remaining}.`,
  };
}

function plannedEffect(metric: MetricResult, size: PlannedSize): string {
  return effectWithRelative(metric, size.effect.absolute, size.effect.relative);
}

// The arm most likely best, with its chance; undefined without arms.
function likeliestArm(results: VerdictInput) {
  return results.bandit?.arms.reduce<
    NonNullable<VerdictInput["bandit"]>["arms"][number] | undefined
  >((best, arm) => (!best || arm.chanceToBeBest > best.chanceToBeBest ? arm : best), undefined);
}

function banditVerdict(results: VerdictInput, primary: MetricResult, users: number): Verdict {
  const arm = likeliestArm(results);
  const threshold = 1 - results.alpha;
  const base = { interval: "always-valid" as const, metric: primary.name };
  if (arm && arm.chanceToBeBest >= threshold) {
    return {
      ...base,
      kind: "ship",
      variantKey: arm.variantKey,
      usersNeeded: 0,
      rule: VERDICT_RULES.banditShip,
      summary: `Ship ${arm.variantKey}: a ${chanceText(arm.chanceToBeBest)} chance to be the best arm on ${primary.name}, ${usersText(users)}.`,
    };
  }
  return {
    ...base,
    kind: "keep-running",
    variantKey: null,
    usersNeeded: null,
    rule: VERDICT_RULES.banditKeep,
    summary: arm
      ? `Keep running: the likeliest best arm on ${primary.name}, ${arm.variantKey}, has a ${chanceText(arm.chanceToBeBest)} chance, below ${chanceText(threshold)}, ${usersText(users)}.`
      : `Keep running: no arm has data on ${primary.name} yet.`,
  };
}

// A bandit reports no intervals: its primary metric reads the arms' chance to be best.
function banditMetricVerdict(results: VerdictInput, metric: MetricResult): MetricVerdict {
  const arm = likeliestArm(results);
  const threshold = 1 - results.alpha;
  if (metric.primary && arm && arm.chanceToBeBest >= threshold) {
    const control = arm.variantKey === results.control;
    return {
      kind: control ? "worse" : "better",
      variantKey: control ? null : arm.variantKey,
      summary: `${arm.variantKey} has a ${chanceText(arm.chanceToBeBest)} chance to be the best arm on ${metric.name}.`,
    };
  }
  return {
    kind: "keep-running",
    variantKey: null,
    summary: metric.primary
      ? `No arm has a ${chanceText(threshold)} chance to be the best on ${metric.name} yet.`
      : `A bandit reports no intervals: ${metric.name} has no verdict of its own.`,
  };
}
