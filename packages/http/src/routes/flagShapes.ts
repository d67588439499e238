import type { Abkit, Experiment, Flag } from "@abkit/core";
import { NotFoundError } from "@abkit/core";

/** A flag in seed 002's shape (snake_case). */
export function flagJson(flag: Flag) {
  return {
    id: flag.id,
    project_id: flag.projectId,
    key: flag.key,
    name: flag.name,
    flag_type: flag.type,
    default_value: flag.defaultValue,
    ...(flag.defaultVariant === undefined ? {} : { default_variant: flag.defaultVariant }),
    enabled: flag.enabled,
    description: flag.description,
    rules: flag.rules,
    created_at: flag.createdAt,
    updated_at: flag.updatedAt,
  };
}

/** An experiment in seed 002's shape: variants as `{ key, value, percentage }`. */
export function flagExperimentJson(experiment: Experiment, flag: Flag, conversions: number) {
  return {
    id: experiment.id,
    flag_id: flag.id,
    key: experiment.key,
    name: experiment.name,
    environment: experiment.environment,
    status: experiment.status,
    variants: experiment.variants.map((variant) => ({
      key: variant.key,
      value: variant.config,
      percentage: variant.weight,
    })),
    conversions,
    created_at: experiment.createdAt,
    started_at: experiment.startedAt,
    stopped_at: experiment.stoppedAt,
  };
}

/** The flag a path names, by id or by key. */
export async function findFlag(abkit: Abkit, idOrKey: string): Promise<Flag> {
  const flag = await abkit.flags.find(idOrKey);
  if (!flag) throw new NotFoundError("flag", idOrKey);
  return flag;
}

/** An experiment of a flag, by id or key; other experiments are not found here. */
export async function findFlagExperiment(
  abkit: Abkit,
  flag: Flag,
  idOrKey: string,
): Promise<Experiment> {
  const experiment = await abkit.flags.findExperiment(flag.key, idOrKey);
  if (!experiment) throw new NotFoundError("experiment", idOrKey);
  return experiment;
}
