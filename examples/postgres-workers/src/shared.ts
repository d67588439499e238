import type { Abkit } from "@abkit/core";
import { postgresStore } from "@abkit/postgres";

export const EXPERIMENT = "onboarding-email-subject";
/** Where the example runs unless ABKIT_STORE says otherwise: its own schema. */
export const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test?schema=abkit_example";

/** A store on the URL (its `?schema=` names the schema); each process opens its own. */
export function openStore(url: string) {
  return postgresStore({ url });
}

/** Creates and starts the experiment unless an earlier run or another process did. */
export async function setUp(abkit: Abkit): Promise<void> {
  if (!(await abkit.experiments.get(EXPERIMENT))) {
    await abkit.experiments.create({
      key: EXPERIMENT,
      name: "Onboarding email subject",
      variants: [
        { key: "control", weight: 50, config: { subject: "Welcome aboard" } },
        { key: "treatment", weight: 50, config: { subject: "Your first week, planned" } },
      ],
      metrics: [{ name: "opened", kind: "binomial", primary: true }],
    });
  }
  if ((await abkit.experiments.get(EXPERIMENT))?.status === "draft") {
    await abkit.experiments.start(EXPERIMENT);
  }
}

/** The users every worker serves: the same ones, as behind a load balancer. */
export function userIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `user_${i}`);
}
