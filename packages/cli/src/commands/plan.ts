import {
  type DetectableEffect,
  type DetectableEffectInput,
  detectableEffect,
  type ExperimentPlan,
  type PlanInput,
  planExperiment,
} from "@abkit/core";
import { helpOption, parseChoice, parseCommand, UsageError } from "../args.js";
import { type CliContext, printUsage } from "../context.js";
import { formatCount, formatNumber, formatPercent } from "../format/numbers.js";

const COMMAND = "plan";

/**
 * `abkit plan`: the users an experiment needs (`planExperiment`), or with `--users` instead
 * of `--mde` the smallest effect those users can detect (`detectableEffect`); it opens no
 * store.
 */
export async function planCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(COMMAND, args, {
    ...helpOption,
    metric: { type: "string" },
    baseline: { type: "string" },
    mde: { type: "string" },
    "mde-type": { type: "string" },
    sd: { type: "string" },
    alpha: { type: "string" },
    power: { type: "string" },
    variants: { type: "string" },
    split: { type: "string" },
    "variance-reduction": { type: "string" },
    "daily-users": { type: "string" },
    users: { type: "string" },
    json: { type: "boolean" },
  });
  if (help) return printUsage(ctx, COMMAND);
  if (values.metric === undefined) throw new UsageError("missing --metric", COMMAND);
  if (values.baseline === undefined) throw new UsageError("missing --baseline", COMMAND);
  if (values.mde !== undefined && values.users !== undefined) {
    throw new UsageError(
      "give --mde (users needed) or --users (detectable effect), not both",
      COMMAND,
    );
  }
  if (values.mde === undefined && values.users === undefined) {
    throw new UsageError("missing --mde (or --users for the detectable effect)", COMMAND);
  }
  const design = {
    metric: parseChoice(values.metric, ["binomial", "mean"], "--metric", COMMAND),
    baseline: number(values.baseline, "--baseline"),
    ...optional("sd", values.sd, (text) => number(text, "--sd")),
    ...optional("alpha", values.alpha, (text) => number(text, "--alpha")),
    ...optional("power", values.power, (text) => number(text, "--power")),
    ...optional("variants", values.variants, (text) => number(text, "--variants")),
    ...optional("split", values.split, (text) =>
      text.split(",").map((weight) => number(weight.trim(), "--split")),
    ),
    ...optional("varianceReduction", values["variance-reduction"], (text) =>
      number(text, "--variance-reduction"),
    ),
  };
  if (values.users !== undefined) {
    const input: DetectableEffectInput = {
      ...design,
      totalUsers: number(values.users, "--users"),
    };
    // detectableEffect checks the values (a validation_failed error, exit 1).
    const effect = detectableEffect(input);
    ctx.out(values.json ? JSON.stringify(effect, null, 2) : renderDetectable(input, effect));
    return 0;
  }
  const input: PlanInput = {
    ...design,
    mde: number(values.mde ?? "", "--mde"),
    ...optional("mdeType", values["mde-type"], (text) =>
      parseChoice(text, ["relative", "absolute"], "--mde-type", COMMAND),
    ),
    ...optional("dailyUsers", values["daily-users"], (text) => number(text, "--daily-users")),
  };
  // planExperiment checks the values (a validation_failed error, exit 1).
  const plan = planExperiment(input);
  ctx.out(values.json ? JSON.stringify(plan, null, 2) : renderPlan(input, plan));
  return 0;
}

/** The plan as a few labelled lines. */
export function renderPlan(input: PlanInput, plan: ExperimentPlan): string {
  const [control, ...treatments] = plan.usersPerVariant;
  const effect =
    input.metric === "binomial"
      ? `${formatPercent(input.baseline)} -> ${formatPercent(input.baseline + plan.effect.absolute)}`
      : `${formatNumber(input.baseline)} -> ${formatNumber(input.baseline + plan.effect.absolute)}`;
  const relative =
    plan.effect.relative === null ? "" : ` (${formatPercent(plan.effect.relative, true)})`;
  const lines = [
    `Effect to detect:   ${effect}${relative}`,
    `Users per variant:  ${formatCount(control ?? 0)} control, ${treatments.map(formatCount).join(", ")} ${treatments.length === 1 ? "treatment" : "treatments"}`,
    `Total users:        ${formatCount(plan.totalUsers)}`,
  ];
  if (plan.days !== undefined) {
    lines.push(
      `Days:               ${formatCount(plan.days)} at ${formatCount(input.dailyUsers ?? 0)} users a day`,
    );
  }
  const comparisons = plan.comparisons === 1 ? "" : ` (alpha / ${plan.comparisons}, Bonferroni)`;
  lines.push(
    `Test:               two-sided, alpha ${formatNumber(plan.alphaPerComparison)}${comparisons}, power ${formatNumber(input.power ?? 0.8)}`,
  );
  return lines.join("\n");
}

/** The detectable effect as a few labelled lines, the counterpart of `renderPlan`. */
export function renderDetectable(input: DetectableEffectInput, effect: DetectableEffect): string {
  const total = input.totalUsers ?? 0;
  const raw = input.split ?? Array.from({ length: effect.comparisons + 1 }, () => 1);
  const sum = raw.reduce((all, weight) => all + weight, 0);
  const [control, ...treatments] = raw.map((weight) => Math.floor((total * weight) / sum));
  const detectable =
    effect.absolute === null
      ? "none: no rate up to 100% is detectable with these users"
      : input.metric === "binomial"
        ? `${formatPercent(input.baseline)} -> ${formatPercent(input.baseline + effect.absolute)}`
        : `${formatNumber(input.baseline)} -> ${formatNumber(input.baseline + effect.absolute)}`;
  const relative = effect.relative === null ? "" : ` (${formatPercent(effect.relative, true)})`;
  const comparisons =
    effect.comparisons === 1 ? "" : ` (alpha / ${effect.comparisons}, Bonferroni)`;
  return [
    `Detectable effect:  ${detectable}${relative}`,
    `Users:              ${formatCount(total)} in all: ${formatCount(control ?? 0)} control, ${treatments.map(formatCount).join(", ")} ${treatments.length === 1 ? "treatment" : "treatments"}`,
    `Test:               two-sided, alpha ${formatNumber(effect.alphaPerComparison)}${comparisons}, power ${formatNumber(input.power ?? 0.8)}`,
  ].join("\n");
}

// --- Internal helpers ---

// A finite number, or a usage error naming the option.
function number(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`${option} must be a number (got "${text}")`, COMMAND);
  }
  return value;
}

// `{ [key]: parse(text) }` when the option was given, else nothing.
function optional<K extends string, T>(
  key: K,
  text: string | undefined,
  parse: (text: string) => T,
): Partial<Record<K, T>> {
  return text === undefined ? {} : ({ [key]: parse(text) } as Record<K, T>);
}
