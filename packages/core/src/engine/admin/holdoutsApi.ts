import * as z from "zod";
import {
  descriptionSchema,
  environmentSchema,
  keySchema,
  nameSchema,
} from "../../schema/common.js";
import { type Experiment, metricSchema } from "../../schema/experiment.js";
import { parseInput } from "../../schema/parse.js";
import type { ExperimentsApi } from "./experimentsApi.js";

/** What a holdout is made from. */
export const holdoutInputSchema = z.strictObject({
  key: keySchema,
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  /** The share of the project's entities held out, in (0, 0.5]: 0.05 holds out 5%. */
  share: z.number().gt(0, "must be above 0").max(0.5, "must be at most 0.5"),
  /** Keys of the experiments it covers; every experiment of the project when omitted. */
  covers: z.array(keySchema).max(1000).optional(),
  /** What to measure the held-out entities against everyone else on. */
  metrics: z.array(metricSchema).max(100).default([]),
  environment: environmentSchema.optional(),
  hashSeed: z.string().min(1).max(200).optional(),
});
export type HoldoutInput = z.input<typeof holdoutInputSchema>;

/** Holdouts: a share of entities kept out of the experiments they cover, and measured. */
export interface HoldoutsApi {
  /**
   * Creates a holdout as a draft experiment with the variants `holdout` (the control) and
   * `exposed`; start and stop it, and read its results, like any experiment.
   */
  create(input: HoldoutInput): Promise<Experiment>;
  /** The project's holdouts, oldest first. */
  list(): Promise<Experiment[]>;
}

export function holdoutsApi(experiments: ExperimentsApi): HoldoutsApi {
  return {
    async create(input) {
      const holdout = parseInput(holdoutInputSchema, input, "holdout");
      const percent = holdout.share * 100;
      return experiments.create({
        key: holdout.key,
        ...(holdout.name === undefined ? {} : { name: holdout.name }),
        ...(holdout.description === undefined ? {} : { description: holdout.description }),
        ...(holdout.environment === undefined ? {} : { environment: holdout.environment }),
        ...(holdout.hashSeed === undefined ? {} : { hashSeed: holdout.hashSeed }),
        variants: [
          { key: "holdout", weight: percent },
          { key: "exposed", weight: 100 - percent },
        ],
        control: "holdout",
        metrics: holdout.metrics,
        holdout: { covers: holdout.covers ?? null },
      });
    },
    async list() {
      return (await experiments.list()).filter((experiment) => experiment.holdout);
    },
  };
}
