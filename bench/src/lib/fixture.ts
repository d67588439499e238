import type { Abkit } from "@abkit/core";

/** The experiment every case uses: two variants 50/50 behind a country condition. */
export const EXPERIMENT_KEY = "checkout-button";
export const SEGMENT_KEY = "es-fr";
export const CONDITION = { country: { $in: ["ES", "FR"] } };
export const VARIANTS = [
  { key: "control", weight: 50, config: { color: "blue" } },
  { key: "treatment", weight: 50, config: { color: "green" } },
];
export const METRIC = "purchase";

/** `match`: every user is in ES or FR; `mixed`: half of them are (ES, FR, DE, US cycling). */
export type Scenario = "match" | "mixed";

export interface User {
  id: string;
  country: string;
}

export function users(count: number, scenario: Scenario = "match"): User[] {
  const countries = scenario === "match" ? ["ES", "FR"] : ["ES", "FR", "DE", "US"];
  return Array.from({ length: count }, (_, i) => ({
    id: `user_${i}`,
    country: countries[i % countries.length]!,
  }));
}

/** Creates the segment and the experiment on an engine, and starts it. */
export async function createExperiment(abkit: Abkit): Promise<void> {
  await abkit.segments.create({ key: SEGMENT_KEY, name: "Spain and France", condition: CONDITION });
  await abkit.experiments.create({
    key: EXPERIMENT_KEY,
    name: "Checkout button",
    variants: VARIANTS,
    segments: [SEGMENT_KEY],
  });
  await abkit.experiments.start(EXPERIMENT_KEY);
}

/** Evaluates every user once so that each has a stored assignment; flushes them. */
export async function assignAll(abkit: Abkit, all: User[]): Promise<void> {
  for (const user of all) {
    await abkit.evaluate({
      experimentKey: EXPERIMENT_KEY,
      entityId: user.id,
      properties: { country: user.country },
    });
  }
  await abkit.flush();
}
