import type {
  Experiment,
  ExperimentInput,
  Flag,
  FlagInput,
  FlagType,
  JsonValue,
  Segment,
} from "@abkit/core";

/**
 * Seeded samples of definitions and of new values for each of their updatable fields, for
 * the partial-update property test. Every value is in stored form (defaults written out),
 * so what an update stores can be compared with what it was given.
 */

/** The segments and flags every sampled experiment may name; created first. */
export const FIXTURE_SEGMENTS = ["seg-es", "seg-pro", "seg-adult", "seg-beta"];
export const FIXTURE_FLAGS = ["flag-prompt", "flag-layout"];

export type Kind = "experiment" | "holdout" | "flag" | "segment";
export type Stored = Experiment | Flag | Segment;

/** A small seeded chooser over one generator function. */
export class Sampler {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  word(prefix = "w"): string {
    return `${prefix}${this.int(0, 1_000_000)}`;
  }
  subset<T>(items: readonly T[]): T[] {
    return items.filter(() => this.chance(0.5));
  }
  /** A finite number that survives JSON unchanged (never -0). */
  number(): number {
    const value = this.chance(0.5) ? this.int(-1000, 1000) : this.int(-10_000, 10_000) / 100;
    return value === 0 ? 0 : value;
  }
  json(depth = 2): JsonValue {
    const leaf = (): JsonValue =>
      this.pick([
        () => null,
        () => this.chance(0.5),
        () => this.number(),
        () => this.word("s"),
        () => "",
        () => "ünïcødé ✓",
      ])();
    if (depth === 0 || this.chance(0.4)) return leaf();
    if (this.chance(0.5)) {
      return Array.from({ length: this.int(0, 3) }, () => this.json(depth - 1));
    }
    const entries = Array.from({ length: this.int(0, 3) }, () => [
      this.word("k"),
      this.json(depth - 1),
    ]);
    return Object.fromEntries(entries);
  }
  condition(): Record<string, JsonValue> {
    return this.pick([
      () => ({ country: { $in: this.subset(["ES", "FR", "DE", "US"]) } }),
      () => ({ plan: this.pick(["free", "pro", "team"]) }),
      () => ({ age: { $gte: this.int(0, 99) } }),
      () => ({ "user.tier": { $exists: this.chance(0.5) } }),
      () => ({ $or: [{ country: "ES" }, { age: { $lt: this.int(1, 30) } }] }),
      () => ({ version: { $vgt: `${this.int(0, 9)}.${this.int(0, 9)}.0` } }),
      () => ({}),
    ])();
  }
}

// --- Experiments ---

/** What an experiment of `kind` is created from (holdouts with their own shape). */
export function experimentInput(s: Sampler, key: string, kind: "experiment" | "holdout") {
  if (kind === "holdout") {
    const share = s.int(1, 50);
    return {
      key,
      name: s.word("Holdout "),
      description: s.word("d"),
      variants: [
        { key: "holdout", weight: share, config: null },
        { key: "exposed", weight: 100 - share, config: null },
      ],
      control: "holdout",
      hashVersion: s.pick([1, 2] as const),
      metrics: metrics(s),
      environment: s.pick(["production", "staging"]),
      overrides: s.chance(0.5) ? { "qa-held": "holdout" } : {},
      holdout: { covers: s.chance(0.5) ? null : [s.word("exp-")] },
    } satisfies ExperimentInput;
  }
  const variantKeys = ["control", "treatment", "third", "fourth"].slice(0, s.int(2, 4));
  const input: ExperimentInput = {
    key,
    name: s.word("Experiment "),
    description: s.word("d"),
    variants: variants(s, variantKeys),
    control: s.pick(variantKeys),
    segments: s.subset(FIXTURE_SEGMENTS),
    coverage: s.int(0, 100) / 100,
    hashSeed: s.word("seed-"),
    hashVersion: s.pick([1, 2] as const),
    namespace: s.chance(0.5) ? namespace(s) : null,
    metrics: metrics(s),
    environment: s.pick(["production", "staging", "eu"]),
    flagKey: s.chance(0.5) ? s.pick(FIXTURE_FLAGS) : null,
    overrides: overrides(s, variantKeys),
    holdout: null,
    bandit: s.chance(0.4) ? bandit(s, variantKeys.length) : null,
  };
  return input;
}

/**
 * A new value for `field` that is a valid change of `current` (the other fields as they
 * are): for holdouts, the fields a holdout must keep at their neutral value get that value.
 */
export const EXPERIMENT_FIELDS: Record<string, (s: Sampler, current: Experiment) => unknown> = {
  name: (s) => s.word("Renamed "),
  description: (s) => s.pick(["", s.word("about ")]),
  variants: (s, current) =>
    variants(
      s,
      current.variants.map((variant) => variant.key),
      current.holdout !== null,
    ),
  control: (s, current) => s.pick(current.variants.map((variant) => variant.key)),
  segments: (s, current) => (current.holdout ? [] : s.subset(FIXTURE_SEGMENTS)),
  coverage: (s, current) => (current.holdout ? 1 : s.int(0, 100) / 100),
  hashSeed: (s) => s.word("seed-"),
  hashVersion: (s) => s.pick([1, 2]),
  namespace: (s, current) => (current.holdout || s.chance(0.3) ? null : namespace(s)),
  metrics: (s) => metrics(s),
  environment: (s) => s.pick(["production", "staging", s.word("env-")]),
  flagKey: (s, current) => (current.holdout || s.chance(0.3) ? null : s.pick(FIXTURE_FLAGS)),
  overrides: (s, current) =>
    overrides(
      s,
      current.variants.map((variant) => variant.key),
    ),
  holdout: (s, current) =>
    current.holdout ? { covers: s.chance(0.3) ? null : [s.word("exp-"), s.word("exp-")] } : null,
  bandit: (s, current) =>
    current.holdout || s.chance(0.3) ? null : bandit(s, current.variants.length),
  dimensions: (s) => s.subset(["country", "platform", "tier", "browser", "os"]),
  plan: (s) =>
    s.chance(0.3)
      ? null
      : {
          mde: s.int(1, 30) / 100,
          mdeScale: s.pick(["relative", "absolute"] as const),
          power: s.pick([0.8, 0.9]),
          ...(s.chance(0.5) ? { dailyUsers: s.int(100, 10_000) } : {}),
        },
  pricing: (s, current) =>
    s.chance(0.3)
      ? null
      : {
          variants: Object.fromEntries(
            s
              .subset(current.variants.map((variant) => variant.key))
              .map((key) => [key, { input: s.int(0, 500) / 100, output: s.int(0, 1500) / 100 }]),
          ),
          inputTokens: s.pick(["input_tokens", "prompt_tokens"]),
          outputTokens: s.pick(["output_tokens", "completion_tokens"]),
          metric: s.pick(["cost", "usd"]),
        },
  autopilot: (s, current) => {
    const candidates = current.metrics.filter((metric) => !metric.guardrail);
    if (current.holdout || current.bandit || candidates.length === 0 || s.chance(0.3)) {
      return null;
    }
    return {
      promote: {
        metric: s.pick(candidates.map((metric) => metric.name)),
        chance: s.pick([0.9, 0.95, 0.99]),
        read: s.pick(["always-valid", "bayesian"] as const),
        minUsers: s.int(0, 10_000),
      },
      rollbackOnGuardrailHarm: s.chance(0.5),
      intervalMs: s.int(1000, 86_400_000),
    };
  },
};

// --- Flags and segments ---

export function flagInput(s: Sampler, key: string) {
  const type = s.pick(["boolean", "string", "number", "json"] as const);
  return {
    key,
    type,
    name: s.word("Flag "),
    description: s.word("d"),
    defaultValue: flagValue(s, type),
    defaultVariant: s.word("v"),
    enabled: s.chance(0.5),
    rules: rules(s, type),
  } satisfies FlagInput;
}

export const FLAG_FIELDS: Record<string, (s: Sampler, current: Flag) => unknown> = {
  name: (s) => s.word("Renamed "),
  description: (s) => s.pick(["", s.word("about ")]),
  defaultValue: (s, current) => flagValue(s, current.type),
  defaultVariant: (s) => s.word("renamed-v"),
  enabled: (_s, current) => !current.enabled,
  rules: (s, current) => rules(s, current.type),
};

export function segmentInput(s: Sampler, key: string) {
  return { key, name: s.word("Segment "), description: s.word("d"), condition: s.condition() };
}

export const SEGMENT_FIELDS: Record<string, (s: Sampler, current: Segment) => unknown> = {
  name: (s) => s.word("Renamed "),
  description: (s) => s.pick(["", s.word("about ")]),
  condition: (s) => s.condition(),
};

// --- Internal helpers ---

function variants(s: Sampler, keys: string[], holdout = false) {
  // Integer weights summing to 100; a holdout's held-out share stays at most 50.
  const cuts = keys.slice(1).map(() => s.int(0, 100));
  cuts.sort((a, b) => a - b);
  let weights = [...cuts, 100].map(
    (cut, index) => cut - (index === 0 ? 0 : (cuts[index - 1] ?? 0)),
  );
  if (holdout) {
    const share = s.int(1, 50);
    weights = keys.map((key) => (key === "holdout" ? share : 100 - share));
  }
  return keys.map((key, index) => ({
    key,
    ...(s.chance(0.3) ? { name: s.word("Variant ") } : {}),
    weight: weights[index] ?? 0,
    config: holdout ? null : s.json(),
  }));
}

function metrics(s: Sampler) {
  // The primary is binomial, so a bandit stays valid whatever else changes.
  const list: Record<string, unknown>[] = [{ name: "conversion", kind: "binomial", primary: true }];
  if (s.chance(0.6)) {
    list.push({
      name: "revenue",
      kind: "sum",
      primary: false,
      ...(s.chance(0.5) ? { covariate: s.pick(["spend", { metric: "revenue", days: 14 }]) } : {}),
      ...(s.chance(0.3) ? { direction: "higher" } : {}),
    });
  }
  if (s.chance(0.5)) {
    list.push({
      name: "latency",
      kind: "mean",
      primary: false,
      ...(s.chance(0.5) ? { unit: s.pick(["entity", "execution"] as const) } : {}),
      // A direction may only agree with the guardrail's harm.
      ...(s.chance(0.5) ? { direction: "lower" } : {}),
      guardrail: {
        harm: "increase",
        tolerance: s.int(0, 20) / 100,
        toleranceScale: s.pick(["relative", "absolute"] as const),
      },
    });
  }
  if (s.chance(0.4)) {
    list.push({
      name: "tokens",
      kind: "count",
      primary: false,
      ...(s.chance(0.5) ? { direction: s.pick(["higher", "lower"] as const) } : {}),
    });
    list.push({ name: "calls", kind: "count", primary: false });
    list.push({
      name: "tokens-per-call",
      kind: "ratio",
      primary: false,
      numerator: "tokens",
      denominator: "calls",
    });
  }
  return list as ExperimentInput["metrics"] & object;
}

function namespace(s: Sampler) {
  const start = s.int(0, 90) / 100;
  return {
    id: s.pick(["checkout", "search"]),
    range: [start, start + s.int(1, 10) / 100] as [number, number],
  };
}

function overrides(s: Sampler, keys: string[]): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: s.int(0, 3) }, () => [s.word("qa-"), s.pick(keys)]),
  );
}

function bandit(s: Sampler, arms: number) {
  // An interval no test outlives: the background scheduler never rebalances mid-test.
  return {
    floor: s.int(0, Math.floor(100 / arms)),
    intervalMs: s.chance(0.5) ? null : 86_400_000,
  };
}

function flagValue(s: Sampler, type: FlagType): JsonValue {
  switch (type) {
    case "boolean":
      return s.chance(0.5);
    case "string":
      return s.word("v");
    case "number":
      return s.number();
    case "json":
      return s.json();
  }
}

function rules(s: Sampler, type: FlagType) {
  return Array.from({ length: s.int(0, 3) }, (_, index) => ({
    id: `rule-${index}-${s.int(0, 999)}`,
    condition: s.condition(),
    value: flagValue(s, type),
    ...(s.chance(0.5) ? { variant: s.word("v") } : {}),
  }));
}
