import {
  type Abkit,
  createAbkit,
  createApiKey,
  experimentPatchSchema,
  FROZEN_FIELDS,
  flagPatchSchema,
  isAbkitError,
  type Store,
  segmentPatchSchema,
} from "@abkit/core";
import { seededRandom } from "@abkit/core/stats";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EXPERIMENT_FIELDS,
  experimentInput,
  FIXTURE_FLAGS,
  FIXTURE_SEGMENTS,
  FLAG_FIELDS,
  flagInput,
  type Kind,
  Sampler,
  SEGMENT_FIELDS,
  type Stored,
  segmentInput,
} from "./definitionSamples.js";
import { MOUNTS, startServer } from "./servers.js";

// Property: an update naming one field changes that field (and the revision and time) and
// leaves every other field deep-equal, for every definition kind and every updatable field,
// through the engine and through both HTTP mounts. A frozen field of a started experiment
// given another value is refused and changes nothing.

const SAMPLES_PER_FIELD = 4;
const DOORS = ["engine", ...MOUNTS] as const;

const FIELDS: Record<Kind, Record<string, (s: Sampler, current: never) => unknown>> = {
  experiment: EXPERIMENT_FIELDS,
  holdout: EXPERIMENT_FIELDS,
  flag: FLAG_FIELDS,
  segment: SEGMENT_FIELDS,
};

/** The outcome of one update through a door: ok, or the error code it answered with. */
type Outcome = { ok: true } | { ok: false; code: string };

describe("every updatable field is covered by the samples", () => {
  it.each([
    ["experiment", experimentPatchSchema.shape, EXPERIMENT_FIELDS],
    ["flag", flagPatchSchema.shape, FLAG_FIELDS],
    ["segment", segmentPatchSchema.shape, SEGMENT_FIELDS],
  ])("%s", (_kind, shape, samples) => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(shape).sort());
  });
});

describe.each(DOORS)("partial updates through %s", (door) => {
  let store: Store;
  let setup: Abkit;
  let update: (kind: Kind, key: string, patch: Record<string, unknown>) => Promise<Outcome>;
  let close = async () => {};

  beforeAll(async () => {
    store = memoryStore();
    // No background rebalancing: a bandit's state changes only when a test says so.
    setup = createAbkit({ store, banditCheckMs: 0 });
    for (const key of FIXTURE_SEGMENTS) {
      await setup.segments.create({ key, condition: { plan: key } });
    }
    for (const key of FIXTURE_FLAGS) {
      await setup.flags.create({ key, type: "json", defaultValue: null });
    }
    if (door === "engine") {
      update = engineUpdate(createAbkit({ store, banditCheckMs: 0 }));
    } else {
      // Definitions are made by another engine: the server checks the version on each read.
      const server = await startServer(door, { store, refreshIntervalMs: 0 });
      const { plaintext } = await createApiKey(store, {
        organizationId: "acme",
        projectId: "default",
        scopes: ["admin"],
      });
      update = httpUpdate(server.url, plaintext);
      close = () => server.close();
    }
  });
  afterAll(async () => {
    await close();
    await setup.close();
  });

  const read = async (kind: Kind, key: string): Promise<Stored> => {
    const snapshot = await store.loadDefinitions("default");
    const all: Stored[] =
      kind === "flag"
        ? snapshot.flags
        : kind === "segment"
          ? snapshot.segments
          : snapshot.experiments;
    const found = all.find((record) => record.key === key);
    if (!found) throw new Error(`${kind} ${key} is not stored`);
    return found;
  };

  for (const kind of ["experiment", "holdout", "flag", "segment"] as const) {
    it.each(Object.keys(FIELDS[kind]))(`${kind}: naming %s changes nothing else`, async (field) => {
      for (let sample = 0; sample < SAMPLES_PER_FIELD; sample++) {
        const s = new Sampler(seededRandom(seedOf(kind, field, sample)));
        const key = `${kind}-${field}-${sample}`.toLowerCase();
        await create(setup, s, kind, key);
        const before = await read(kind, key);
        const value = (FIELDS[kind][field] as (s: Sampler, current: Stored) => unknown)(s, before);
        const outcome = await update(kind, key, { [field]: value });
        const after = await read(kind, key);
        const context = { door, kind, field, sample, value, outcome };

        const frozen =
          "status" in before &&
          before.status !== "draft" &&
          (FROZEN_FIELDS as readonly string[]).includes(field) &&
          JSON.stringify(value) !== JSON.stringify(before[field as keyof Stored]);
        if (frozen) {
          expect(outcome, JSON.stringify(context)).toEqual({
            ok: false,
            code: "invalid_transition",
          });
          expect(after).toEqual(before);
          continue;
        }
        expect(outcome, JSON.stringify(context)).toEqual({ ok: true });
        const { revision, updatedAt, ...rest } = after;
        const { revision: oldRevision, updatedAt: _, ...oldRest } = before;
        expect(rest, JSON.stringify(context)).toEqual({ ...oldRest, [field]: value });
        expect(revision).toBe(oldRevision + 1);
      }
    });
  }
});

// --- Internal helpers ---

// A definition in a random lifecycle status, created through the engine.
async function create(abkit: Abkit, s: Sampler, kind: Kind, key: string): Promise<void> {
  if (kind === "flag") {
    await abkit.flags.create(flagInput(s, key));
    return;
  }
  if (kind === "segment") {
    await abkit.segments.create(segmentInput(s, key));
    return;
  }
  await abkit.experiments.create(experimentInput(s, key, kind));
  const status = s.pick(["draft", "running", "stopped"] as const);
  if (status !== "draft") await abkit.experiments.start(key);
  if (status === "stopped") await abkit.experiments.stop(key);
}

function engineUpdate(abkit: Abkit) {
  return async (kind: Kind, key: string, patch: Record<string, unknown>): Promise<Outcome> => {
    try {
      if (kind === "flag") await abkit.flags.update(key, patch);
      else if (kind === "segment") await abkit.segments.update(key, patch);
      else await abkit.experiments.update(key, patch);
      return { ok: true };
    } catch (error) {
      if (isAbkitError(error)) return { ok: false, code: error.code };
      throw error;
    }
  };
}

const SNAKE_FLAG_FIELDS: Record<string, string> = {
  defaultValue: "default_value",
  defaultVariant: "default_variant",
};

function httpUpdate(url: string, apiKey: string) {
  return async (kind: Kind, key: string, patch: Record<string, unknown>): Promise<Outcome> => {
    // Seed 002's flags speak snake_case; experiments and segments use the engine's names.
    const body =
      kind === "flag"
        ? Object.fromEntries(
            Object.entries(patch).map(([name, value]) => [SNAKE_FLAG_FIELDS[name] ?? name, value]),
          )
        : patch;
    const path =
      kind === "flag"
        ? `/api/v1/flags/${key}`
        : kind === "segment"
          ? `/api/v1/segments/${key}`
          : `/api/v1/experiments/${key}`;
    const response = await fetch(`${url}${path}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "X-Api-Key": apiKey },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { error?: { code: string } };
    if (response.ok) return { ok: true };
    return { ok: false, code: answer.error?.code ?? `status ${response.status}` };
  };
}

function seedOf(...parts: (string | number)[]): number {
  let hash = 2166136261;
  for (const char of parts.join("|")) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  }
  return hash;
}
