import type { FeatureDefinition } from "@growthbook/growthbook";
import { CONDITION, EXPERIMENT_KEY, VARIANTS } from "./fixture.js";

/** The fixture's experiment as a GrowthBook feature: one experiment rule behind the condition. */
export const GB_FEATURES: Record<string, FeatureDefinition> = {
  [EXPERIMENT_KEY]: {
    defaultValue: null,
    rules: [
      {
        key: EXPERIMENT_KEY,
        seed: EXPERIMENT_KEY,
        hashVersion: 2,
        hashAttribute: "id",
        condition: CONDITION,
        coverage: 1,
        variations: VARIANTS.map((variant) => variant.config),
        weights: VARIANTS.map((variant) => variant.weight / 100),
      },
    ],
  },
};
