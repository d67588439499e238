/**
 * Warm, in-process evaluate over 10,000 users cycling.
 * argv: <memory|sqlite|growthbook> <match|mixed>
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAbkit, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { sqliteStore } from "@abkit/sqlite";
import { GrowthBook, GrowthBookClient } from "@growthbook/growthbook";
import { emit, main } from "../lib/emit.js";
import {
  assignAll,
  createExperiment,
  EXPERIMENT_KEY,
  type Scenario,
  users,
} from "../lib/fixture.js";
import { GB_FEATURES } from "../lib/growthbook.js";
import { warmRate } from "../lib/measure.js";

const USERS = 10_000;
const WARM_MS = 1000;
const MEASURE_MS = 3000;

main(async () => {
  const impl = process.argv[2] ?? "memory";
  const scenario = (process.argv[3] ?? "match") as Scenario;
  const all = users(USERS, scenario);
  const name = `evaluate/${impl}/${scenario}`;
  if (impl === "growthbook") {
    emit({ name, unit: "evals/s", ...(await growthbook(all)) });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "abkit-bench-"));
  const store: Store =
    impl === "sqlite" ? sqliteStore({ path: join(dir, "bench.db") }) : memoryStore();
  try {
    const abkit = createAbkit({ store });
    await createExperiment(abkit);
    await assignAll(abkit, all);
    const agreement = agreeWithGrowthBook(
      await Promise.all(
        all.slice(0, 1000).map(async (user) => {
          const result = await abkit.evaluate({
            experimentKey: EXPERIMENT_KEY,
            entityId: user.id,
            properties: { country: user.country },
          });
          return result.config;
        }),
      ),
      all,
    );
    const calls = all.map((user) => ({
      experimentKey: EXPERIMENT_KEY,
      entityId: user.id,
      properties: { country: user.country },
    }));
    let inTest = 0;
    const value = await warmRate(
      async () => {
        for (const call of calls) {
          if ((await abkit.evaluate(call)).variantKey !== null) inTest++;
        }
      },
      calls.length,
      WARM_MS,
      MEASURE_MS,
    );
    await abkit.close();
    emit({ name, unit: "evals/s", value, extra: { inTest, agreesWithGrowthBook: agreement } });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The two per-user ways GrowthBook offers on a server; the faster one is the reference. */
async function growthbook(all: ReturnType<typeof users>) {
  const client = new GrowthBookClient().initSync({ payload: { features: GB_FEATURES } });
  const contexts = all.map((user) => ({ attributes: { id: user.id, country: user.country } }));
  let inTest = 0;
  const clientRate = await warmRate(
    () => {
      for (const context of contexts) {
        if (client.evalFeature(EXPERIMENT_KEY, context).value !== null) inTest++;
      }
    },
    contexts.length,
    WARM_MS,
    MEASURE_MS,
  );
  const gb = new GrowthBook({ features: GB_FEATURES });
  const attributes = contexts.map((context) => context.attributes);
  const instanceRate = await warmRate(
    async () => {
      for (const attrs of attributes) {
        await gb.setAttributes(attrs);
        if (gb.evalFeature(EXPERIMENT_KEY).value !== null) inTest++;
      }
    },
    attributes.length,
    WARM_MS,
    MEASURE_MS,
  );
  return {
    value: Math.max(clientRate, instanceRate),
    extra: {
      growthBookClientEvalFeature: clientRate,
      setAttributesEvalFeature: instanceRate,
      inTest,
    },
  };
}

/** True when GrowthBook gives each of the first users the config abkit gave them. */
function agreeWithGrowthBook(configs: unknown[], all: ReturnType<typeof users>): boolean {
  const client = new GrowthBookClient().initSync({ payload: { features: GB_FEATURES } });
  return configs.every((config, i) => {
    const user = all[i]!;
    const expected = client.evalFeature(EXPERIMENT_KEY, {
      attributes: { id: user.id, country: user.country },
    }).value;
    return JSON.stringify(expected) === JSON.stringify(config);
  });
}
