import { createHash } from "node:crypto";
import {
  type ApiKeyRecord,
  type AssignmentRecord,
  type EventRecord,
  type Experiment,
  type Flag,
  type LogRecord,
  newId,
  type Project,
  type ScoreRecord,
  type Segment,
} from "@abkit/core";

/**
 * Record builders: complete, valid records as the core would hand them to a store, with
 * fresh ids. Override any field.
 */

/** A fixed instant, so records compare equal after a round trip. */
export const AT = "2026-01-02T03:04:05.678Z";
/** The UTC day of `AT`: the `exposuresByDay` key of every assignment made by `assignment()`. */
export const AT_DAY = "2026-01-02";
/** The maps of `readAggregates` beyond exposures and metrics, when no covariate, partner or event is there. */
export const NO_PRODUCTS = {
  covariates: {},
  covariateProducts: {},
  crossProducts: {},
  eventsByDay: {},
  metricsByDay: {},
  slices: {},
} as const;

/**
 * An experiment record with every field set, nested JSON configs and unicode text.
 *
 * @example
 * await store.putDefinition("experiment", experimentRecord("p", "checkout"), 0);
 */
export function experimentRecord(
  projectId: string,
  key: string,
  overrides: Partial<Experiment> = {},
): Experiment {
  return {
    id: newId("exp"),
    projectId,
    key,
    name: "Système prompt — 数学 🧮",
    description: 'Quotes " and \\ backslashes,\nnew lines\tand tabs',
    status: "running",
    variants: [
      { key: "control", name: "Contrôle", weight: 50, config: { prompt: "Réponds.", t: 0.2 } },
      {
        key: "treatment",
        weight: 50,
        config: {
          prompt: "Step by step 🧠",
          t: 0.7,
          stop: ["\n\n", "Ω"],
          nested: { a: [1, { b: null }] },
        },
      },
    ],
    control: "control",
    segments: ["es-fr"],
    holdout: null,
    bandit: null,
    coverage: 0.75,
    hashSeed: `${key}-seed`,
    hashVersion: 2,
    namespace: { id: "checkout-ns", range: [0, 0.5] },
    metrics: [
      { name: "thumbs_up", kind: "binomial", primary: true },
      { name: "output_tokens", kind: "mean", primary: false },
    ],
    environment: "production",
    flagKey: null,
    overrides: { "qa-ünïcode": "treatment" },
    revision: 1,
    createdAt: AT,
    updatedAt: AT,
    startedAt: AT,
    stoppedAt: null,
    ...overrides,
  };
}

/** A JSON flag with targeting rules whose conditions use operators, dotted paths and unicode. */
export function flagRecord(projectId: string, key: string, overrides: Partial<Flag> = {}): Flag {
  return {
    id: newId("flag"),
    projectId,
    key,
    name: "Checkout ✓",
    description: "",
    type: "json",
    defaultValue: { layout: "classic", limits: [1, 2.5, 2 ** 53 - 1], off: false, none: null },
    enabled: true,
    rules: [
      {
        id: newId("rule"),
        condition: { $or: [{ "address.country": { $in: ["ES", "FR"] } }, { beta: true }] },
        value: { layout: "nouveau", emoji: "🛒" },
      },
      {
        id: newId("rule"),
        condition: { tags: { $elemMatch: { $regex: "^vip-ñ" } }, version: { $vgt: "1.2.0" } },
        value: { layout: "compact", ratio: 1.5e-10 },
      },
    ],
    revision: 1,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/** A segment with a nested condition (`$and`, `$not`, `$exists`, dotted paths, unicode). */
export function segmentRecord(
  projectId: string,
  key: string,
  overrides: Partial<Segment> = {},
): Segment {
  return {
    id: newId("seg"),
    projectId,
    key,
    name: "España y Francia",
    description: "Usuarios 🇪🇸 🇫🇷",
    condition: {
      $and: [
        { country: { $in: ["ES", "FR"] } },
        { $not: { "plan.tier": "free" } },
        { email: { $exists: true } },
        { city: "Zürich" },
      ],
    },
    revision: 1,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/** An assignment of `entityId` to `variantKey`, made at `assignedAt` (`AT` by default). */
export function assignment(
  projectId: string,
  experimentId: string,
  entityId: string,
  variantKey: string,
  assignedAt: string = AT,
): AssignmentRecord {
  return { projectId, experimentId, entityId, variantKey, assignedAt };
}

/** An event to attribute to `experimentIds`; value 1, no idempotency key unless given. */
export function eventRecord(
  entityId: string,
  experimentIds: string[],
  overrides: Partial<EventRecord> = {},
): EventRecord {
  return {
    id: newId("evt"),
    entityId,
    metricName: "output_tokens",
    value: 1,
    idempotencyKey: null,
    timestamp: AT,
    experimentIds,
    ...overrides,
  };
}

/** An execution log with JSON input, output and context; ids made later sort later. */
export function logRecord(
  projectId: string,
  experimentId: string,
  overrides: Partial<LogRecord> = {},
): LogRecord {
  return {
    id: newId("log"),
    projectId,
    experimentId,
    variantKey: "treatment",
    input: { messages: [{ role: "user", content: "¿Cuánto es 2+2? 🤔" }] },
    output: { text: "4", tokens: [1, 2, 3] },
    metrics: { latency_ms: 812.5, output_tokens: 42, cost_usd: 0.00021 },
    context: { model: "gpt-x", tags: ["a", "b"], nested: { deep: { deeper: true } } },
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * A log as `listLogs` and `getLog` return it: with its scores (`[]` by default).
 *
 * @example
 * expect((await store.listLogs(p, exp, { limit: 1 })).logs).toEqual([listed(log)]);
 */
export function listed(log: LogRecord, scores: ScoreRecord[] = []): LogRecord {
  return { ...log, scores };
}

/** A score record for `logId` of an experiment, with defaults overridable per test. */
export function scoreRecord(
  projectId: string,
  experimentId: string,
  logId: string,
  overrides: Partial<ScoreRecord> = {},
): ScoreRecord {
  return {
    projectId,
    experimentId,
    logId,
    variantKey: "treatment",
    key: "judge",
    name: "judge",
    value: 0.75,
    source: "llm-judge",
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A project of `organizationId`. */
export function projectRecord(
  id: string,
  organizationId: string,
  overrides: Partial<Project> = {},
): Project {
  return { id, organizationId, name: `Project ${id} ✨`, createdAt: AT, ...overrides };
}

/** An API key record; its `hash` is the SHA-256 of its id (a store never sees plaintext). */
export function apiKeyRecord(
  organizationId: string,
  projectId: string,
  overrides: Partial<ApiKeyRecord> = {},
): ApiKeyRecord {
  const id = newId("key");
  return {
    id,
    organizationId,
    projectId,
    name: "server key",
    scopes: ["sdk", "admin"],
    prefix: `ak_${id.slice(-6).toLowerCase()}`,
    hash: createHash("sha256").update(id).digest("hex"),
    createdAt: AT,
    revokedAt: null,
    ...overrides,
  };
}
