import { NotFoundError } from "../../errors/NotFoundError.js";
import { ValidationError } from "../../errors/ValidationError.js";
import { newId } from "../../ids.js";
import { assertFrozenFieldsKept } from "../../lifecycle/frozenFields.js";
import { type LifecycleAction, nextStatus } from "../../lifecycle/transitions.js";
import {
  type BanditRebalance,
  type Experiment,
  type ExperimentDefinition,
  type ExperimentInput,
  type ExperimentPatch,
  type ExperimentStatus,
  experimentInputSchema,
  experimentPatchSchema,
} from "../../schema/experiment.js";
import { valueMatchesType } from "../../schema/flag.js";
import { parseInput } from "../../schema/parse.js";
import { namedFields } from "../../schema/patch.js";
import { type AutopilotOutcome, runAutopilot, shipExperiment } from "../autopilot/runAutopilot.js";
import type { EngineContext } from "../context.js";
import type { CompiledDefinitions } from "../evaluation/compile.js";
import { rebalanceBandit } from "../results/bandit.js";
import { assertCapsKept } from "./capChanges.js";
import {
  keyTakenError,
  listDefinitions,
  readDefinition,
  writeDefinition,
} from "./writeDefinition.js";

/** Experiments of one project: definitions and lifecycle. */
export interface ExperimentsApi {
  /** Creates a draft. Segments and the flag it names must exist. */
  create(input: ExperimentInput): Promise<Experiment>;
  /** The experiment with this key, or null. */
  get(key: string): Promise<Experiment | null>;
  /** Experiments, oldest first, optionally of one status. */
  list(filter?: { status?: ExperimentStatus }): Promise<Experiment[]>;
  /** Changes a definition. Variants, weights, hash seed/version and flag are frozen after draft. */
  update(key: string, patch: ExperimentPatch): Promise<Experiment>;
  /** `draft -> running`: evaluate starts returning variants. */
  start(key: string): Promise<Experiment>;
  /** `running -> stopped`: evaluate returns null again; results stay readable. */
  stop(key: string): Promise<Experiment>;
  /**
   * A running bandit's new traffic shares by Thompson sampling on its primary metric, each
   * arm kept at its floor; stored with the time. Earlier assignments stay.
   */
  rebalance(key: string): Promise<BanditRebalance>;
  /**
   * Ships `variantKey` by hand: a running or stopped experiment becomes `shipped` and serves
   * it to everyone it targets; attached to a flag, it stops and the flag's default becomes
   * the variant's value. Recorded in `decisions` with `by: "user"`.
   */
  ship(key: string, variantKey: string): Promise<Experiment>;
  /**
   * Runs one autopilot check now, whatever its `intervalMs`: the decision it wrote, or why
   * none (see docs/autopilot.md).
   */
  autopilot(key: string): Promise<AutopilotOutcome>;
}

export function experimentsApi(ctx: EngineContext): ExperimentsApi {
  return {
    async create(input) {
      const definition = parseInput(experimentInputSchema, input, "experiment");
      return writeDefinition(ctx, "experiment", definition.key, (defs, current) => {
        if (current) throw keyTakenError("experiment", definition.key);
        checkReferences(defs, definition);
        const now = new Date().toISOString();
        return {
          ...definition,
          id: newId("exp"),
          projectId: ctx.projectId,
          name: definition.name ?? definition.key,
          description: definition.description ?? "",
          hashSeed: definition.hashSeed ?? definition.key,
          status: "draft",
          revision: 1,
          createdAt: now,
          updatedAt: now,
          startedAt: null,
          stoppedAt: null,
        };
      });
    },

    get: (key) => readDefinition(ctx, "experiment", key),

    async list(filter = {}) {
      const experiments = await listDefinitions(ctx, "experiment");
      return filter.status ? experiments.filter((e) => e.status === filter.status) : experiments;
    },

    async update(key, patch) {
      // Only the fields the caller names change: the stored record fills in the rest, and
      // the whole is checked again as a definition.
      const changes = namedFields(parseInput(experimentPatchSchema, patch, "experiment patch"));
      return writeDefinition(ctx, "experiment", key, (defs, current) => {
        if (!current) throw new NotFoundError("experiment", key);
        assertFrozenFieldsKept(current, changes);
        const merged = parseInput(
          experimentInputSchema,
          { ...definitionOf(current), ...changes, key },
          "experiment",
        );
        checkReferences(defs, merged);
        assertCapsKept(current, merged);
        return {
          ...current,
          ...merged,
          name: merged.name ?? current.name,
          description: merged.description ?? current.description,
          hashSeed: merged.hashSeed ?? current.hashSeed,
          revision: current.revision + 1,
          updatedAt: new Date().toISOString(),
        };
      });
    },

    start: async (key) => transition(ctx, key, "start"),
    stop: async (key) => transition(ctx, key, "stop"),
    rebalance: async (key) => {
      const made = await rebalanceBandit(ctx, key);
      // Without onlyIfDue only a concurrent stop prevents the write.
      if (!made) throw new NotFoundError("running bandit", key);
      return made;
    },
    ship: (key, variantKey) => shipExperiment(ctx, key, variantKey),
    autopilot: (key) => runAutopilot(ctx, key),
  };
}

/** The user-settable fields of a stored experiment, as its schema reads them. */
export function definitionOf(experiment: Experiment): ExperimentDefinition {
  const {
    id,
    projectId,
    status,
    revision,
    createdAt,
    updatedAt,
    startedAt,
    stoppedAt,
    banditState,
    shipped,
    decisions,
    dimensions,
    plan,
    pricing,
    autopilot,
    ...rest
  } = experiment;
  return {
    ...rest,
    dimensions: dimensions ?? [],
    plan: plan ?? null,
    pricing: pricing ?? null,
    autopilot: autopilot ?? null,
  };
}

/**
 * Checks what a definition names outside itself: its segments exist, and when it serves a
 * flag, the flag exists and every variant config is a valid value of the flag's type.
 */
export function checkReferences(defs: CompiledDefinitions, definition: ExperimentDefinition): void {
  definition.segments.forEach((segmentKey, index) => {
    if (!defs.segmentsByKey.has(segmentKey)) {
      throw ValidationError.field(
        ["segments", index],
        `unknown segment "${segmentKey}"`,
        "experiment",
      );
    }
  });
  if (definition.flagKey === null) return;
  const flag = defs.flagsByKey.get(definition.flagKey);
  if (!flag) {
    throw ValidationError.field(["flagKey"], `unknown flag "${definition.flagKey}"`, "experiment");
  }
  definition.variants.forEach((variant, index) => {
    if (!valueMatchesType(flag.type, variant.config)) {
      throw ValidationError.field(
        ["variants", index, "config"],
        `must be a ${flag.type} to serve flag "${flag.key}"`,
        "experiment",
      );
    }
  });
}

// --- Internal helpers ---

function transition(ctx: EngineContext, key: string, action: LifecycleAction): Promise<Experiment> {
  return writeDefinition(ctx, "experiment", key, (_defs, current) => {
    if (!current) throw new NotFoundError("experiment", key);
    const status = nextStatus(current.status, action);
    const now = new Date().toISOString();
    return {
      ...current,
      status,
      revision: current.revision + 1,
      updatedAt: now,
      startedAt: action === "start" ? now : current.startedAt,
      stoppedAt: action === "stop" ? now : current.stoppedAt,
    };
  });
}
