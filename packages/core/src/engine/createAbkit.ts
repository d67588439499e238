import * as z from "zod";
import type { JsonValue } from "../schema/common.js";
import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_PROJECT,
  environmentSchema,
  projectIdSchema,
} from "../schema/common.js";
import type { EventInput } from "../schema/event.js";
import type { LogInput, LogRecord } from "../schema/log.js";
import { parseInput } from "../schema/parse.js";
import { type ScoreInput, scoreInputSchema } from "../schema/score.js";
import { type ExperimentPlan, planExperiment } from "../stats/power.js";
import type { PlanInput } from "../stats/powerInput.js";
import type { ApplyEventsResult, Store } from "../store.js";
import { type ExperimentsApi, experimentsApi } from "./admin/experimentsApi.js";
import { type FlagsApi, flagsApi } from "./admin/flagsApi.js";
import { type HoldoutsApi, holdoutsApi } from "./admin/holdoutsApi.js";
import { type KeysApi, keysApi } from "./admin/keysApi.js";
import { type SegmentsApi, segmentsApi } from "./admin/segmentsApi.js";
import { checkKey, checkOptionalObject, withCheckedArguments } from "./arguments.js";
import { startAutopilotScheduler } from "./autopilot/autopilotScheduler.js";
import { closedError, type EngineContext } from "./context.js";
import { DefinitionsCache } from "./evaluation/definitionsCache.js";
import {
  type EvaluateOptions,
  type EvaluateResult,
  evaluateExperiment,
  type PeekResult,
  peekExperiment,
} from "./evaluation/evaluate.js";
import {
  type EvaluateFlagsOptions,
  type EvaluateFlagsResult,
  evaluateFlag,
  evaluateFlags,
  type FlagEvaluation,
} from "./evaluation/evaluateFlags.js";
import { type FlagLookup, flagLookup } from "./evaluation/flagLookup.js";
import { startBanditScheduler } from "./results/banditScheduler.js";
import { experimentResults } from "./results/results.js";
import type { ExperimentResults, ResultsOptions } from "./results/resultTypes.js";
import { AssignmentQueue } from "./tracking/assignmentQueue.js";
import { countConversions } from "./tracking/conversions.js";
import { getExperimentLog } from "./tracking/getLog.js";
import { type LogsPageOptions, listLogs } from "./tracking/listLogs.js";
import { logExecution } from "./tracking/logExecution.js";
import type { LogsQueryPage } from "./tracking/logQuery.js";
import { type SameInputOptions, sameInputLogs } from "./tracking/sameInputLogs.js";
import { type ScoreOptions, type ScoreResult, scoreLogs } from "./tracking/scoreLogs.js";
import { type ConversionInput, trackConversion, trackEvents } from "./tracking/track.js";

/** Options of `createAbkit`. */
export interface AbkitOptions {
  /** Where state lives: `memoryStore()`, `sqliteStore(...)`, ... */
  store: Store;
  /** The project this engine works in; `default` when omitted. */
  project?: string;
  /** The environment evaluations use when a call names none; `production` when omitted. */
  environment?: string;
  /** How stale cached definitions may be, in ms (another process's change shows within this). Default 1000. */
  refreshIntervalMs?: number;
  /** Longest wait before queued assignments are written, in ms. Default 1000. */
  flushIntervalMs?: number;
  /** Assignments written per store call. Default 500. */
  assignmentBatchSize?: number;
  /** Assignments remembered in process. Default 100 000. */
  assignmentCacheSize?: number;
  /**
   * How often this engine checks for bandits due a rebalance (their `intervalMs` passed),
   * in ms; 0 never checks (call `experiments.rebalance`). Default 5000.
   */
  banditCheckMs?: number;
  /**
   * How often this engine looks for experiments whose autopilot check is due (each policy's
   * `intervalMs` passed), in ms; 0 never looks (call `experiments.autopilot`). Default 60000.
   */
  autopilotCheckMs?: number;
}

// Strict: a misspelled option (`flushIntervallMs`) is refused, naming the key, rather than
// silently leaving its default in force.
const optionsSchema = z.strictObject({
  store: z.custom<Store>((value) => typeof value === "object" && value !== null, "must be a Store"),
  project: projectIdSchema.default(DEFAULT_PROJECT),
  environment: environmentSchema.default(DEFAULT_ENVIRONMENT),
  refreshIntervalMs: z.number().int().min(0).max(3_600_000).default(1000),
  flushIntervalMs: z.number().int().min(0).max(3_600_000).default(1000),
  assignmentBatchSize: z.number().int().min(1).max(10_000).default(500),
  assignmentCacheSize: z.number().int().min(0).default(100_000),
  banditCheckMs: z.number().int().min(0).max(3_600_000).default(5000),
  autopilotCheckMs: z.number().int().min(0).max(3_600_000).default(60_000),
});

/** An abkit engine bound to one project of a store. */
export interface Abkit {
  readonly project: string;
  readonly environment: string;
  readonly store: Store;
  readonly experiments: ExperimentsApi;
  /** Holdouts: entities kept out of the experiments they cover, measured against the rest. */
  readonly holdouts: HoldoutsApi;
  readonly segments: SegmentsApi;
  /** Flags: create, read (by key, or `find` by id or key), update, attach experiments. */
  readonly flags: FlagsApi & FlagLookup;
  /** API keys of an organization: create (plaintext once), list, revoke. */
  readonly keys: KeysApi;
  /**
   * The variant of an experiment for an entity, sticky once assigned. `variantKey` and
   * `config` are null when the experiment is unknown, not running, no segment matches, or
   * the entity is outside coverage: keep a fallback ready.
   */
  evaluate<C = JsonValue>(options: EvaluateOptions): Promise<EvaluateResult<C>>;
  /**
   * The variant an entity has, or would get now, without recording an assignment or an
   * exposure: for admin tools and server-side previews. `assigned` says which.
   */
  peek<C = JsonValue>(options: EvaluateOptions): Promise<PeekResult<C>>;
  /** Every flag's value for an entity: `{ flags: { key: { value, ruleId } } }`. */
  evaluateFlags(options?: EvaluateFlagsOptions): Promise<EvaluateFlagsResult>;
  /** One flag's value for an entity, or null when the flag does not exist. */
  evaluateFlag(flagKey: string, options?: EvaluateFlagsOptions): Promise<FlagEvaluation | null>;
  /**
   * Records events (seed 000's track): each counts in every running experiment in which its
   * entity has an assignment. Repeats of an `idempotencyKey` are no-ops counted in `deduped`.
   */
  track(events: EventInput[]): Promise<ApplyEventsResult>;
  /** Records a conversion for one experiment (seed 002), once per (experiment, user). */
  trackConversion(input: ConversionInput): Promise<ApplyEventsResult>;
  /** Users with at least one `conversion` in an experiment, over all variants (seed 002's count). */
  conversions(experimentKey: string): Promise<number>;
  /** Records one execution of a variant (seed 001): input, output, metrics, context. */
  log(experimentKey: string, input: LogInput): Promise<{ logId: string }>;
  /**
   * An experiment's execution logs, newest first, paged by cursor, optionally filtered by
   * variant, time, score range and entity (a filtered call examines at most 5,000 logs and
   * says so in `scanned` and `exhausted`). See docs/llm.md.
   */
  logs(experimentKey: string, options?: LogsPageOptions): Promise<LogsQueryPage>;
  /** One execution log of the experiment, with its scores; `not_found` otherwise. */
  getLog(experimentKey: string, logId: string): Promise<LogRecord>;
  /**
   * The other variants' logs whose input deep-equals this log's, newest first: executions to
   * compare side by side.
   */
  logsWithSameInput(
    experimentKey: string,
    logId: string,
    options?: SameInputOptions,
  ): Promise<LogsQueryPage>;
  /**
   * Attaches a score (an LLM judge's grade, a human's thumbs) to a log, exactly once per
   * (log, `idempotencyKey ?? name`): a repeat returns the first score with `created: false`.
   * The score counts as one more value of the log metric `name`, and, when the log names an
   * entity, as that entity's event in the log's experiment. Logs of a stopped experiment
   * still take scores. Throws `not_found` for an unknown log (or one outside
   * `options.experimentKey`), `validation_failed` past `MAX_SCORES_PER_LOG` scores.
   *
   * @example
   * await abkit.score({ logId, name: "judge", value: 0.8, source: "llm-judge" });
   */
  score(input: ScoreInput, options?: ScoreOptions): Promise<ScoreResult>;
  /**
   * Attaches up to 500 scores, each as `score` does, results in input order. Every score is
   * checked before the first is written: one bad input or unknown log writes nothing.
   */
  scoreBatch(inputs: ScoreInput[], options?: ScoreOptions): Promise<ScoreResult[]>;
  /**
   * An experiment's results: per metric and variant, users, sufficient statistics, effect
   * against the control with 95% intervals, p-values, chance to beat control, an always-valid
   * interval, the sample-ratio check, and log metric percentiles. See docs/statistics.md.
   */
  results(experimentKey: string, options?: ResultsOptions): Promise<ExperimentResults>;
  /** The same engine working in another project of the same store (shares caches and queue). */
  forProject(projectId: string): Abkit;
  /**
   * Reloads this project's definitions from the store now, instead of within
   * `refreshIntervalMs`: for a caller that learnt of a change and must read the new values.
   */
  refresh(): Promise<void>;
  /** The store's version counter of this project's definitions: every change, by any process, moves it. */
  definitionsVersion(): Promise<number>;
  /**
   * The users an experiment needs to detect an effect (`planExperiment`): reads nothing, so
   * it answers at once, even before any experiment exists. See docs/statistics.md.
   */
  plan(input: PlanInput): ExperimentPlan;
  /** Writes queued assignments; rejects if the store failed to take them. */
  flush(): Promise<void>;
  /** Flushes, then closes this engine (not the store, which the caller owns). */
  close(): Promise<void>;
}

/**
 * Creates an engine over a store.
 *
 * @example
 * import { createAbkit } from "@abkit/core";
 * import { memoryStore } from "@abkit/memory";
 *
 * const abkit = createAbkit({ store: memoryStore() });
 * await abkit.experiments.create({
 *   key: "math-bot-system-prompt-v2",
 *   variants: [
 *     { key: "control", weight: 50, config: { prompt: "Answer in one sentence." } },
 *     { key: "treatment", weight: 50, config: { prompt: "Walk through it step by step." } },
 *   ],
 * });
 * await abkit.experiments.start("math-bot-system-prompt-v2");
 * const { variantKey, config } = await abkit.evaluate<{ prompt: string }>({
 *   experimentKey: "math-bot-system-prompt-v2",
 *   entityId: "user_42",
 * });
 */
export function createAbkit(options: AbkitOptions): Abkit {
  const settings = parseInput(optionsSchema, options, "abkit options");
  const state = { closed: false };
  const assignments = new AssignmentQueue(settings.store, {
    batchSize: settings.assignmentBatchSize,
    flushIntervalMs: settings.flushIntervalMs,
    cacheSize: settings.assignmentCacheSize,
    missingTtlMs: settings.refreshIntervalMs,
  });
  const engines = new Map<string, Abkit>();
  const shared = { ...settings, assignments, state, engines, schedulers: [] };
  return projectEngine(shared, settings.project);
}

// --- Internal helpers ---

// The methods whose only unchecked argument is the key they name.
const key = { keys: ["key"] } as const;

interface Shared {
  store: Store;
  banditCheckMs: number;
  autopilotCheckMs: number;
  schedulers: { stop(): void }[];
  environment: string;
  refreshIntervalMs: number;
  assignments: AssignmentQueue;
  state: { closed: boolean };
  engines: Map<string, Abkit>;
}

function projectEngine(shared: Shared, projectId: string): Abkit {
  const existing = shared.engines.get(projectId);
  if (existing) return existing;
  const ctx: EngineContext = {
    store: shared.store,
    projectId,
    environment: shared.environment,
    definitions: new DefinitionsCache(shared.store, projectId, shared.refreshIntervalMs),
    assignments: shared.assignments,
    assertOpen() {
      if (shared.state.closed) throw closedError();
    },
  };
  const experiments = withCheckedArguments(experimentsApi(ctx), "experiments", {
    get: key,
    list: { keys: [], options: true },
    update: key,
    start: key,
    stop: key,
    rebalance: key,
    ship: { keys: ["key", "variantKey"] },
    autopilot: key,
  });
  if (shared.banditCheckMs > 0)
    shared.schedulers.push(startBanditScheduler(ctx, shared.banditCheckMs));
  if (shared.autopilotCheckMs > 0)
    shared.schedulers.push(startAutopilotScheduler(ctx, shared.autopilotCheckMs));
  const engine: Abkit = {
    project: projectId,
    environment: shared.environment,
    store: shared.store,
    experiments,
    holdouts: holdoutsApi(experiments),
    segments: withCheckedArguments(segmentsApi(ctx), "segments", {
      get: key,
      update: key,
      delete: key,
    }),
    flags: withCheckedArguments({ ...flagsApi(ctx, experiments), ...flagLookup(ctx) }, "flags", {
      get: key,
      update: key,
      attach: { keys: ["flagKey", "experimentKey"] },
      experiments: { keys: ["flagKey"] },
      find: { keys: ["idOrKey"] },
      findExperiment: { keys: ["flagKey", "idOrKey"] },
    }),
    keys: keysApi(ctx),
    evaluate: (evaluateOptions) => evaluateExperiment(ctx, evaluateOptions),
    peek: (peekOptions) => peekExperiment(ctx, peekOptions),
    evaluateFlags: (flagOptions) => evaluateFlags(ctx, flagOptions),
    evaluateFlag: (flagKey, flagOptions) => evaluateFlag(ctx, flagKey, flagOptions),
    track: (events) => trackEvents(ctx, events),
    trackConversion: (input) => trackConversion(ctx, input),
    conversions: async (experimentKey) => {
      checkKey(experimentKey, "experimentKey", "conversions arguments");
      return countConversions(ctx, experimentKey);
    },
    log: async (experimentKey, input) => {
      checkKey(experimentKey, "experimentKey", "log arguments");
      return logExecution(ctx, experimentKey, input);
    },
    logs: async (experimentKey, options) => {
      checkKey(experimentKey, "experimentKey", "logs arguments");
      checkOptionalObject(options, "logs options");
      return listLogs(ctx, experimentKey, options);
    },
    score: async (input, options) => {
      parseInput(scoreInputSchema, input, "score");
      checkOptionalObject(options, "score options");
      const [result] = await scoreLogs(ctx, [input], options);
      return result!;
    },
    scoreBatch: async (inputs, options) => {
      checkOptionalObject(options, "score options");
      return scoreLogs(ctx, inputs, options);
    },
    getLog: async (experimentKey, logId) => {
      checkKey(experimentKey, "experimentKey", "getLog arguments");
      checkKey(logId, "logId", "getLog arguments");
      return getExperimentLog(ctx, experimentKey, logId);
    },
    logsWithSameInput: async (experimentKey, logId, options) => {
      checkKey(experimentKey, "experimentKey", "logsWithSameInput arguments");
      checkKey(logId, "logId", "logsWithSameInput arguments");
      checkOptionalObject(options, "logsWithSameInput options");
      return sameInputLogs(ctx, experimentKey, logId, options);
    },
    results: async (experimentKey, options) => {
      checkKey(experimentKey, "experimentKey", "results arguments");
      checkOptionalObject(options, "results options");
      return experimentResults(ctx, experimentKey, options);
    },
    forProject: (otherProject) =>
      projectEngine(shared, parseInput(projectIdSchema, otherProject, "project id")),
    async refresh() {
      ctx.assertOpen();
      await ctx.definitions.reload();
    },
    async definitionsVersion() {
      ctx.assertOpen();
      return shared.store.definitionsVersion(projectId);
    },
    plan: (input) => planExperiment(input),
    flush: () => shared.assignments.flush(),
    async close() {
      if (shared.state.closed) return;
      // A close whose writes fail leaves the engine open and running, to be closed again.
      await shared.assignments.flush();
      for (const scheduler of shared.schedulers) scheduler.stop();
      shared.state.closed = true;
    },
  };
  shared.engines.set(projectId, engine);
  return engine;
}
