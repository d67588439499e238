import { describe, expect, it } from "vitest";
import { AbkitError, isAbkitError } from "../../src/errors/AbkitError.js";
import { ConflictError } from "../../src/errors/ConflictError.js";
import { NotFoundError } from "../../src/errors/NotFoundError.js";
import { StoreUnavailableError } from "../../src/errors/StoreUnavailableError.js";
import { ValidationError } from "../../src/errors/ValidationError.js";
import type { ApiKeyRecord } from "../../src/schema/apiKey.js";
import type { EventRecord } from "../../src/schema/event.js";
import type { LogRecord } from "../../src/schema/log.js";
import type { Project } from "../../src/schema/project.js";
import type { ScoreRecord } from "../../src/schema/score.js";
import type { Segment } from "../../src/schema/segment.js";
import {
  defineStore,
  type StoreDefinition,
  type StoreMethods,
} from "../../src/store/defineStore.js";
import type { AssignmentRecord, EntityTotalsRequest, Store } from "../../src/store.js";
import { runningExperiment } from "../support/experiment.js";

describe("defineStore: calls", () => {
  it("exposes the name and capabilities and passes calls through with their answers", async () => {
    const { store, calls } = storeOver();
    expect(store.name).toBe("test");
    expect(store.capabilities).toEqual({ crossProcess: true, durable: false });
    await expect(store.definitionsVersion("p1")).resolves.toBe(7);
    await expect(store.getAssignment("p1", "e1", "u1")).resolves.toBe("A");
    await expect(store.applyEvents("p1", [event()])).resolves.toEqual({ accepted: 1, deduped: 0 });
    await expect(store.recordAssignments([assignment()])).resolves.toEqual(["A"]);
    await expect(store.readEntityTotals("p1", [request()])).resolves.toEqual([{ clicks: 2 }]);
    expect(calls).toEqual([
      ["definitionsVersion", "p1"],
      ["getAssignment", "p1", "e1", "u1"],
      ["applyEvents", "p1", [event()]],
      ["recordAssignments", [assignment()]],
      ["readEntityTotals", "p1", [request()]],
    ]);
  });

  it("keeps putDefinition generic: each kind's record reaches the method", async () => {
    const { store, calls } = storeOver();
    const experiment = runningExperiment();
    const segment: Segment = {
      id: "seg_1",
      projectId: "p1",
      key: "spain",
      name: "Spain",
      description: "",
      condition: { country: "ES" },
      revision: 1,
      createdAt: "",
      updatedAt: "",
    };
    await expect(store.putDefinition("experiment", experiment, 2)).resolves.toBe(3);
    await expect(store.putDefinition("segment", segment, 0)).resolves.toBe(1);
    expect(calls).toEqual([
      ["putDefinition", "experiment", experiment, 2],
      ["putDefinition", "segment", segment, 0],
    ]);
    // The kind still constrains the record's type.
    const typeOnly = (s: Store) =>
      // @ts-expect-error an experiment is not a segment
      s.putDefinition("segment", experiment, 0);
    expect(typeof typeOnly).toBe("function");
  });
});

describe("defineStore: input checks before the method", () => {
  const refusals: [string, (store: Store) => Promise<unknown>][] = [
    ["a variant key with a slash", (s) => s.recordAssignments([assignment({ variantKey: "A/B" })])],
    ["an empty variant key", (s) => s.recordAssignments([assignment({ variantKey: "" })])],
    [
      "a covariate that is not finite",
      (s) => s.recordAssignments([assignment(), assignment({ covariates: { age: Number.NaN } })]),
    ],
    [
      "a covariate name with a space",
      (s) => s.recordAssignments([assignment({ covariates: { "a b": 1 } })]),
    ],
    [
      "a dimension name with a slash",
      (s) => s.recordAssignments([assignment({ dimensions: { "a/b": "x" } })]),
    ],
    [
      "a dimension value longer than dimensionValue keeps",
      (s) => s.recordAssignments([assignment({ dimensions: { country: "x".repeat(65) } })]),
    ],
    [
      "a dimension value that is not a string",
      (s) => s.recordAssignments([assignment({ dimensions: { country: 3 as unknown as string } })]),
    ],
    [
      "more than MAX_DIMENSIONS dimensions",
      (s) =>
        s.recordAssignments([
          assignment({ dimensions: { a: "1", b: "1", c: "1", d: "1", e: "1", f: "1" } }),
        ]),
    ],
    [
      "a metric name with a slash",
      (s) => s.applyEvents("p1", [event(), event({ metricName: "a/b" })]),
    ],
    ["a metric name starting with _", (s) => s.applyEvents("p1", [event({ metricName: "_x" })])],
    [
      "a value that is not finite",
      (s) => s.applyEvents("p1", [event({ value: Number.POSITIVE_INFINITY })]),
    ],
    ["a value above the bound", (s) => s.applyEvents("p1", [event({ value: 1e13 })])],
    [
      "a bad cross metric",
      (s) => s.applyEvents("p1", [event({ crossMetrics: { e1: ["ok", "a/b"] } })]),
    ],
    [
      "an entity-totals request with a bad day",
      (s) => s.readEntityTotals("p1", [request({ toDay: "2026-02-30" })]),
    ],
    [
      "an entity-totals request with a bad metric",
      (s) => s.readEntityTotals("p1", [request({ metrics: ["a/b"] })]),
    ],
  ];

  it.each(refusals)(
    "refuses %s with validation_failed, never calling the method",
    async (_, call) => {
      const mapped: unknown[] = [];
      const { store, calls } = storeOver({
        toError: (error) => {
          mapped.push(error);
          return new StoreUnavailableError("test", "mapped");
        },
      });
      const error = await call(store).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(isAbkitError(error) && error.code).toBe("validation_failed");
      expect(calls).toEqual([]);
      expect(mapped).toEqual([]);
    },
  );

  it("names the offending record and field", async () => {
    const { store } = storeOver();
    const error = await store
      .applyEvents("p1", [event(), event({ value: Number.NaN })])
      .catch((e: unknown) => e);
    expect(error instanceof ValidationError && error.issues[0]?.path).toEqual([1, "value"]);
  });
});

describe("defineStore: close", () => {
  it("closes the backend once however often and however concurrently it is called", async () => {
    const { store, closes } = storeOver();
    const first = store.close();
    const second = store.close();
    await Promise.all([first, second]);
    await store.close();
    expect(closes.count).toBe(1);
    expect(second).toBe(first);
  });

  it("refuses every method once closed, before the backend's close finishes", async () => {
    let finish = () => {};
    const { store, calls } = storeOver({ close: () => new Promise<void>((r) => (finish = r)) });
    const closing = store.close();
    for (const [name, call] of everyMethod) {
      const error = await call(store).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(StoreUnavailableError);
      expect(isAbkitError(error) && error.code, name).toBe("store_unavailable");
    }
    expect(calls).toEqual([]);
    finish();
    await closing;
  });

  it("maps a failing backend close, once, and keeps the store closed", async () => {
    const failure = new Error("socket hang up");
    const { store, closes } = storeOver({
      close: () => {
        throw failure;
      },
    });
    const error = await store.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error instanceof Error && error.cause).toBe(failure);
    await expect(store.close()).rejects.toBe(error);
    expect(closes.count).toBe(1);
    await expect(store.getProject("p1")).rejects.toMatchObject({ code: "store_unavailable" });
  });
});

describe("defineStore: backend errors", () => {
  it("maps an error to store_unavailable with the error as cause", async () => {
    const failure = new Error("connection refused");
    const { store } = storeOver({ failure });
    const error = await store.getProject("p1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: "store_unavailable", details: { store: "test" } });
    expect(error instanceof Error && error.message).toBe("test store: connection refused");
    expect(error instanceof Error && error.cause).toBe(failure);
  });

  it("maps a thrown value that is not an Error, and a method that throws synchronously", async () => {
    const { store } = storeOver({
      methods: {
        listProjects: () => {
          throw "disk full";
        },
      },
    });
    const pending = store.listProjects("org");
    expect(pending).toBeInstanceOf(Promise);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "store_unavailable", cause: "disk full" });
    expect(error instanceof Error && error.message).toBe("test store: disk full");
  });

  it("maps errors with toError when given, passing the backend's error", async () => {
    const failure = new Error("E11000 duplicate key");
    const seen: unknown[] = [];
    const conflict = new ConflictError("taken");
    const { store } = storeOver({
      failure,
      toError: (error) => {
        seen.push(error);
        return conflict;
      },
    });
    await expect(store.createProject(project)).rejects.toBe(conflict);
    expect(seen).toEqual([failure]);
  });

  it("passes an AbkitError through unchanged, without toError", async () => {
    const notFound = new NotFoundError("experiment", "checkout");
    const seen: unknown[] = [];
    const { store } = storeOver({
      failure: notFound,
      toError: (error) => {
        seen.push(error);
        return new StoreUnavailableError("test", "mapped");
      },
    });
    await expect(store.deleteDefinition("experiment", "p1", "checkout", 1)).rejects.toBe(notFound);
    expect(seen).toEqual([]);
    expect(notFound).toBeInstanceOf(AbkitError);
  });
});

// --- Internal helpers ---

interface Options {
  failure?: unknown;
  methods?: Partial<StoreMethods>;
  close?: StoreDefinition["close"];
  toError?: StoreDefinition["toError"];
}

/**
 * A store over a backend whose methods record their calls as [name, ...args] and answer
 * with fixed values, or reject with `failure`.
 */
function storeOver(options: Options = {}) {
  const calls: unknown[][] = [];
  const closes = { count: 0 };
  const answer = <R>(name: string, args: unknown[], value: R): Promise<R> => {
    calls.push([name, ...args]);
    return options.failure === undefined ? Promise.resolve(value) : Promise.reject(options.failure);
  };
  const methods: StoreMethods = {
    definitionsVersion: (...args) => answer("definitionsVersion", args, 7),
    loadDefinitions: (...args) =>
      answer("loadDefinitions", args, { version: 7, experiments: [], flags: [], segments: [] }),
    putDefinition: (...args) => answer("putDefinition", args, args[2] + 1),
    deleteDefinition: (...args) => answer("deleteDefinition", args, 8),
    recordAssignments: (...args) => answer("recordAssignments", args, ["A"]),
    getAssignment: (...args) => answer("getAssignment", args, "A"),
    applyEvents: (...args) => answer("applyEvents", args, { accepted: 1, deduped: 0 }),
    readEntityTotals: (...args) => answer("readEntityTotals", args, [{ clicks: 2 }]),
    readAggregates: (...args) =>
      answer("readAggregates", args, {
        exposures: {},
        exposuresByDay: {},
        metrics: {},
        covariates: {},
        covariateProducts: {},
        crossProducts: {},
        eventsByDay: {},
        metricsByDay: {},
        slices: {},
      }),
    appendLog: (...args) => answer("appendLog", args, undefined),
    listLogs: (...args) => answer("listLogs", args, { logs: [], nextCursor: null }),
    getLog: (...args) => answer("getLog", args, null),
    attachScore: (...args) => answer("attachScore", args, null),
    readLogSummaries: (...args) => answer("readLogSummaries", args, {}),
    createProject: (...args) => answer("createProject", args, undefined),
    getProject: (...args) => answer("getProject", args, null),
    listProjects: (...args) => answer("listProjects", args, []),
    createApiKey: (...args) => answer("createApiKey", args, undefined),
    findApiKeyByHash: (...args) => answer("findApiKeyByHash", args, null),
    listApiKeys: (...args) => answer("listApiKeys", args, []),
    revokeApiKey: (...args) => answer("revokeApiKey", args, true),
    ...options.methods,
  };
  const store = defineStore({
    name: "test",
    capabilities: { crossProcess: true, durable: false },
    methods,
    close: () => {
      closes.count += 1;
      return options.close?.();
    },
    toError: options.toError,
  });
  return { store, calls, closes };
}

const project: Project = { id: "p1", organizationId: "org", name: "P", createdAt: "" };
const apiKey: ApiKeyRecord = {
  id: "key_1",
  organizationId: "org",
  projectId: "p1",
  name: "ci",
  scopes: ["sdk"],
  prefix: "ak_",
  hash: "hash",
  createdAt: "",
  revokedAt: null,
};
const log: LogRecord = {
  id: "log_1",
  projectId: "p1",
  experimentId: "e1",
  variantKey: "A",
  input: null,
  output: null,
  metrics: { latency: 1 },
  context: null,
  createdAt: "",
};

const score: ScoreRecord = {
  projectId: "p1",
  experimentId: "e1",
  logId: "log_1",
  variantKey: "A",
  key: "judge",
  name: "judge",
  value: 0.5,
  source: null,
  createdAt: "",
};

/** One valid call of every method, by name. */
const everyMethod: [keyof StoreMethods, (store: Store) => Promise<unknown>][] = [
  ["definitionsVersion", (s) => s.definitionsVersion("p1")],
  ["loadDefinitions", (s) => s.loadDefinitions("p1")],
  ["putDefinition", (s) => s.putDefinition("experiment", runningExperiment(), 0)],
  ["deleteDefinition", (s) => s.deleteDefinition("flag", "p1", "f", 1)],
  ["recordAssignments", (s) => s.recordAssignments([assignment()])],
  ["getAssignment", (s) => s.getAssignment("p1", "e1", "u1")],
  ["applyEvents", (s) => s.applyEvents("p1", [event()])],
  ["readEntityTotals", (s) => s.readEntityTotals("p1", [request()])],
  ["readAggregates", (s) => s.readAggregates("p1", "e1")],
  ["appendLog", (s) => s.appendLog(log)],
  ["listLogs", (s) => s.listLogs("p1", "e1", { limit: 10 })],
  ["getLog", (s) => s.getLog("p1", "log_1")],
  ["attachScore", (s) => s.attachScore(score)],
  ["readLogSummaries", (s) => s.readLogSummaries("p1", "e1")],
  ["createProject", (s) => s.createProject(project)],
  ["getProject", (s) => s.getProject("p1")],
  ["listProjects", (s) => s.listProjects("org")],
  ["createApiKey", (s) => s.createApiKey(apiKey)],
  ["findApiKeyByHash", (s) => s.findApiKeyByHash("hash")],
  ["listApiKeys", (s) => s.listApiKeys("org")],
  ["revokeApiKey", (s) => s.revokeApiKey("key_1", "2026-03-01T00:00:00.000Z")],
];

function assignment(overrides: Partial<AssignmentRecord> = {}): AssignmentRecord {
  return {
    projectId: "p1",
    experimentId: "e1",
    entityId: "u1",
    variantKey: "A",
    assignedAt: "2026-03-01T00:00:00.000Z",
    ...overrides,
  };
}

function event(overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    id: "evt_1",
    entityId: "u1",
    metricName: "clicks",
    value: 1,
    idempotencyKey: null,
    timestamp: "2026-03-01T00:00:00.000Z",
    experimentIds: ["e1"],
    ...overrides,
  };
}

function request(overrides: Partial<EntityTotalsRequest> = {}): EntityTotalsRequest {
  return {
    entityId: "u1",
    metrics: ["clicks"],
    fromDay: "2026-03-01",
    toDay: "2026-03-08",
    ...overrides,
  };
}
