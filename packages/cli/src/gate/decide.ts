import {
  formatChance,
  formatCount,
  formatInterval,
  formatNumber,
  formatPValue,
} from "../format/numbers.js";
import type { GateResults } from "./gateResults.js";
import { type GatePolicy, PolicyError } from "./policy.js";

/** Exit codes of `abkit gate`'s decisions. */
export const GATE_EXIT = { pass: 0, fail: 1, inconclusive: 2 } as const;

type Interval = [number, number];

/** Where one treatment's interval lies: wholly better, wholly worse, or across 0 (or none yet). */
export type Reading = "better" | "worse" | "unclear";

/** One treatment's numbers on the gated metric. */
export interface TreatmentNumbers {
  variantKey: string;
  users: number;
  value: number | null;
  /** Treatment minus control. */
  estimate: number | null;
  /** The policy's interval for the effect; null before there is one. */
  interval: Interval | null;
  reading: Reading;
  chanceToBeatControl: number | null;
  pValue: number | null;
}

/** The numbers behind a decision. */
export interface GateNumbers {
  interval: GatePolicy["interval"];
  direction: "higher" | "lower";
  control: { variantKey: string; users: number; value: number | null };
  treatments: TreatmentNumbers[];
  srm: { chiSquare: number; pValue: number; mismatch: boolean } | null;
  guardrailViolations: {
    metric: string;
    variantKey: string;
    harm: "increase" | "decrease";
    estimate: number | null;
    interval: Interval | null;
  }[];
  /** The engine's own verdict on the experiment, for context. */
  experimentVerdict: { kind: string; summary: string };
}

/** What `abkit gate` decided, and why. */
export interface GateDecision {
  decision: "pass" | "fail" | "inconclusive";
  exitCode: 0 | 1 | 2;
  /** One line per thing that decided, for people. */
  reasons: string[];
  metric: string;
  /** The treatment the decision is about (the winner, the first offender); null for none. */
  variant: string | null;
  numbers: GateNumbers;
}

/**
 * Applies a policy to an experiment's results. Fails on a sample ratio mismatch, a guardrail
 * harm or the metric wholly worse in a judged treatment; else passes when a judged treatment
 * is wholly better (with the policy's chance to beat and users); else is inconclusive.
 * Throws a `PolicyError` when the policy names a metric or treatment the experiment lacks.
 */
export function decideGate(results: GateResults, policy: GatePolicy): GateDecision {
  const metric = pickMetric(results, policy);
  const judged = pickTreatments(results, policy);
  const controlRow = metric.variants.find((row) => row.variantKey === results.control);
  const control = {
    variantKey: results.control,
    users: controlRow?.users ?? 0,
    value: controlRow?.value ?? null,
  };
  const treatments = metric.variants
    .filter((row) => judged.includes(row.variantKey))
    .map((row) => treatmentNumbers(row, policy.interval, metric.direction));
  const violations = results.guardrailViolations
    .filter((violation) => judged.includes(violation.variantKey))
    .map((violation) => ({
      metric: violation.metric,
      variantKey: violation.variantKey,
      harm: violation.harm,
      estimate: violation.absolute?.estimate ?? null,
      interval: violation.absolute?.ci ?? null,
    }));
  const numbers: GateNumbers = {
    interval: policy.interval,
    direction: metric.direction,
    control,
    treatments,
    srm: results.srm && {
      chiSquare: results.srm.chiSquare,
      pValue: results.srm.pValue,
      mismatch: results.srm.mismatch,
    },
    guardrailViolations: violations,
    experimentVerdict: { kind: results.verdict.kind, summary: results.verdict.summary },
  };
  const decide = (
    decision: GateDecision["decision"],
    reasons: string[],
    variant: string | null,
  ): GateDecision => ({
    decision,
    exitCode: GATE_EXIT[decision],
    reasons,
    metric: metric.name,
    variant,
    numbers,
  });
  const level = `${formatNumber((1 - results.alpha) * 100)}%`;
  const label = intervalLabel(policy.interval, level);

  // Failures first: a broken split or a harm outweighs any win.
  const failures: { reason: string; variant: string | null }[] = [];
  if (policy.srm && results.srm?.mismatch) {
    failures.push({
      reason: `sample ratio mismatch: the users do not match the weights (chi-square ${formatNumber(results.srm.chiSquare)}, p = ${formatPValue(results.srm.pValue)} < 0.001); the results cannot be trusted`,
      variant: null,
    });
  }
  if (policy.guardrails) {
    for (const violation of violations) {
      failures.push({
        reason: `guardrail ${violation.metric} harmed in ${violation.variantKey}: ${violation.harm} of ${formatNumber(violation.estimate, true)} (${level} CI ${formatInterval(violation.interval, (bound) => formatNumber(bound))}) beyond its tolerance`,
        variant: violation.variantKey,
      });
    }
  }
  if (policy.failOn.includes("worse")) {
    for (const treatment of treatments.filter((t) => t.reading === "worse")) {
      failures.push({
        reason: `${metric.name} is worse in ${treatment.variantKey}: ${effect(treatment)} (${label} ${formatInterval(treatment.interval, (bound) => formatNumber(bound))} wholly on the worse side of 0)`,
        variant: treatment.variantKey,
      });
    }
  }
  if (failures.length > 0) {
    const offender = failures.find((failure) => failure.variant !== null)?.variant ?? null;
    return decide(
      "fail",
      failures.map((failure) => failure.reason),
      offender,
    );
  }

  // Then a win: wholly better, sure enough, on enough users.
  const shortfalls: string[] = [];
  const winners = treatments.filter((treatment) => {
    const problems = passProblems(treatment, control.users, policy, label, metric.direction);
    shortfalls.push(...problems.map((problem) => `${treatment.variantKey}: ${problem}`));
    return problems.length === 0;
  });
  const best = winners.sort(
    (a, b) => (b.chanceToBeatControl ?? 0) - (a.chanceToBeatControl ?? 0),
  )[0];
  if (best) {
    const reasons = [
      `${metric.name} is better in ${best.variantKey}: ${effect(best)} (${label} ${formatInterval(best.interval, (bound) => formatNumber(bound))} wholly on the better side of 0)`,
      `chance to beat ${control.variantKey}: ${formatChance(best.chanceToBeatControl)}${policy.minChanceToBeat === undefined ? "" : ` (policy: at least ${formatChance(policy.minChanceToBeat)})`}`,
      `users: ${control.variantKey} ${formatCount(control.users)}, ${best.variantKey} ${formatCount(best.users)}${policy.minUsers === undefined ? "" : ` (policy: at least ${formatCount(policy.minUsers)} each)`}`,
    ];
    return decide("pass", reasons, best.variantKey);
  }

  const reasons =
    treatments.length === 0 ? ["no treatment to judge"] : ["not enough data yet", ...shortfalls];
  if (policy.failOn.includes("inconclusive")) {
    return decide(
      "fail",
      [...reasons, 'the policy fails an inconclusive gate (failOn: "inconclusive")'],
      policy.variant ?? null,
    );
  }
  return decide("inconclusive", reasons, policy.variant ?? null);
}

// --- Internal helpers ---

type MetricOf = GateResults["metrics"][number];
type RowOf = MetricOf["variants"][number];

function pickMetric(results: GateResults, policy: GatePolicy): MetricOf {
  if (policy.metric !== undefined) {
    const named = results.metrics.find((metric) => metric.name === policy.metric);
    if (named) return named;
    const known = results.metrics.map((metric) => metric.name).join(", ") || "none";
    throw new PolicyError(
      `policy.metric: experiment "${results.experimentKey}" has no metric "${policy.metric}" (its metrics: ${known})`,
    );
  }
  const primary = results.metrics.find((metric) => metric.primary);
  if (primary) return primary;
  throw new PolicyError(
    `policy.metric: experiment "${results.experimentKey}" has no primary metric; name the metric to gate on`,
  );
}

function pickTreatments(results: GateResults, policy: GatePolicy): string[] {
  const treatments = results.variants
    .map((variant) => variant.key)
    .filter((key) => key !== results.control);
  if (policy.variant === undefined) return treatments;
  if (treatments.includes(policy.variant)) return [policy.variant];
  throw new PolicyError(
    `policy.variant: "${policy.variant}" is not a treatment of experiment "${results.experimentKey}" (its treatments: ${treatments.join(", ") || "none"}; the control is ${results.control})`,
  );
}

function treatmentNumbers(
  row: RowOf,
  kind: GatePolicy["interval"],
  direction: "higher" | "lower",
): TreatmentNumbers {
  const comparison = row.comparison;
  const interval =
    (kind === "always-valid" ? comparison?.sequential?.ci : comparison?.absolute.ci) ?? null;
  return {
    variantKey: row.variantKey,
    users: row.users,
    value: row.value,
    estimate: comparison?.absolute.estimate ?? null,
    interval,
    reading: readInterval(interval, direction),
    chanceToBeatControl: comparison?.chanceToBeatControl ?? null,
    pValue: comparison?.pValue ?? null,
  };
}

/** Wholly above 0 is better for a higher-is-better metric, worse for a lower-is-better one. */
export function readInterval(interval: Interval | null, direction: "higher" | "lower"): Reading {
  if (!interval) return "unclear";
  const [lower, upper] = interval;
  if (lower > 0) return direction === "higher" ? "better" : "worse";
  if (upper < 0) return direction === "higher" ? "worse" : "better";
  return "unclear";
}

function passProblems(
  treatment: TreatmentNumbers,
  controlUsers: number,
  policy: GatePolicy,
  label: string,
  direction: "higher" | "lower",
): string[] {
  const problems: string[] = [];
  if (treatment.interval === null) {
    problems.push(`no ${label} yet (too few users or events)`);
  } else if (treatment.reading !== "better") {
    const side = direction === "higher" ? "above" : "below";
    problems.push(
      `${label} ${formatInterval(treatment.interval, (bound) => formatNumber(bound))} is not wholly ${side} 0 (effect ${effect(treatment)})`,
    );
  }
  if (policy.minChanceToBeat !== undefined) {
    const chance = treatment.chanceToBeatControl;
    if (chance === null || chance < policy.minChanceToBeat) {
      problems.push(
        `chance to beat the control ${formatChance(chance)} < ${formatChance(policy.minChanceToBeat)} (policy.minChanceToBeat)`,
      );
    }
  }
  if (policy.minUsers !== undefined) {
    const fewest = Math.min(controlUsers, treatment.users);
    if (fewest < policy.minUsers) {
      problems.push(
        `${formatCount(fewest)} users in the smaller arm < ${formatCount(policy.minUsers)} (policy.minUsers)`,
      );
    }
  }
  return problems;
}

function effect(treatment: TreatmentNumbers): string {
  return formatNumber(treatment.estimate, true);
}

function intervalLabel(kind: GatePolicy["interval"], level: string): string {
  return kind === "always-valid" ? `always-valid ${level} interval` : `fixed ${level} interval`;
}
