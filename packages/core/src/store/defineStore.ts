// For store authors: the duties every adapter shares, done once. A store supplies only
// persistence; `defineStore` checks inputs before the first write, refuses calls once closed
// and maps whatever the backend throws to an `AbkitError`.
import { type AbkitError, isAbkitError } from "../errors/AbkitError.js";
import { StoreUnavailableError } from "../errors/StoreUnavailableError.js";
import type { Store, StoreCapabilities } from "../store.js";
import { checkEntityTotalsRequests } from "./entityTotalsChecks.js";
import { checkAssignmentRecords, checkEventRecords, checkScoreRecord } from "./recordChecks.js";

/** The operations a store implements: every `Store` method but its name, capabilities and close. */
export type StoreMethods = Omit<Store, "name" | "capabilities" | "close">;

/** What `defineStore` needs from an adapter. */
export interface StoreDefinition {
  /** A short name for messages: `memory`, `sqlite`, `redis`, `mongodb`. */
  name: string;
  capabilities: StoreCapabilities;
  methods: StoreMethods;
  /** Releases the backend; called once, by the first `close()`. */
  close(): Promise<void> | void;
  /**
   * Maps an error the backend threw (never an `AbkitError`, which passes through) to an
   * `AbkitError`. Default: `store_unavailable` with the error as `cause`.
   */
  toError?(error: unknown): AbkitError;
}

/**
 * For store authors: a `Store` from the adapter's methods. Before a method runs it checks
 * its input the way the contract asks (`validation_failed`, nothing written): assignments'
 * covariates and variant keys, events' values, metric names and `crossMetrics`, entity-total
 * requests. After `close()` every method rejects with `store_unavailable`; `close()` is
 * idempotent. A method's rejection is mapped by `toError` unless it is an `AbkitError`.
 *
 * @example
 * export const myStore = (): Store =>
 *   defineStore({ name: "mine", capabilities, methods: { ...events, ...logs }, close: () => {} });
 */
export function defineStore(definition: StoreDefinition): Store {
  const { name, methods } = definition;
  const toError = (error: unknown): AbkitError => {
    if (isAbkitError(error)) return error;
    if (definition.toError) return definition.toError(error);
    const message = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(name, message, error);
  };
  let closed = false;
  let closing: Promise<void> | undefined;
  const guard =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>, check?: (...args: A) => void) =>
    async (...args: A): Promise<R> => {
      if (closed) throw new StoreUnavailableError(name, "the store is closed");
      try {
        check?.(...args);
        // Called on `methods`, so a backend written as a class keeps its `this`.
        return await method.apply(methods, args);
      } catch (error) {
        throw toError(error);
      }
    };
  const store: Store = {
    name,
    capabilities: definition.capabilities,
    definitionsVersion: guard(methods.definitionsVersion),
    loadDefinitions: guard(methods.loadDefinitions),
    putDefinition: guard(methods.putDefinition),
    deleteDefinition: guard(methods.deleteDefinition),
    recordAssignments: guard(methods.recordAssignments, checkAssignmentRecords),
    getAssignment: guard(methods.getAssignment),
    applyEvents: guard(methods.applyEvents, (_projectId, events) => checkEventRecords(events)),
    readEntityTotals: guard(methods.readEntityTotals, (_projectId, requests) =>
      checkEntityTotalsRequests(requests),
    ),
    readAggregates: guard(methods.readAggregates),
    appendLog: guard(methods.appendLog),
    listLogs: guard(methods.listLogs),
    getLog: guard(methods.getLog),
    attachScore: guard(methods.attachScore, checkScoreRecord),
    readLogSummaries: guard(methods.readLogSummaries),
    createProject: guard(methods.createProject),
    getProject: guard(methods.getProject),
    listProjects: guard(methods.listProjects),
    createApiKey: guard(methods.createApiKey),
    findApiKeyByHash: guard(methods.findApiKeyByHash),
    listApiKeys: guard(methods.listApiKeys),
    revokeApiKey: guard(methods.revokeApiKey),
    close() {
      closed = true;
      closing ??= (async () => {
        try {
          await definition.close();
        } catch (error) {
          throw toError(error);
        }
      })();
      return closing;
    },
  };
  return store;
}
