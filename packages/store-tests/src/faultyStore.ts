import { type Store, StoreUnavailableError } from "@abkit/core";

/** The name of a `Store` method a fault can target. */
export type StoreMethod = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Store];

/** One planned failure: which calls of a method fail, and how. */
export interface Fault {
  /** The method whose calls fail. */
  method: StoreMethod;
  /** The first call to fail, counted from 1 when the fault is added. Default 1: the next call. */
  nth?: number;
  /**
   * Arms the fault only once a call of this method has succeeded (`nth` then counts from
   * there): the store going down right after a write, before the caller reads it back.
   */
  afterCallOf?: StoreMethod;
  /** How many calls in a row fail from there; default 1, `Infinity` until `heal()`. */
  times?: number;
  /**
   * A time window instead of a count: every call of the method fails for this long (ms,
   * on the store's clock) from the first failure. Overrides `times`.
   */
  forMs?: number;
  /**
   * `before` (default): the call never reaches the store, as when the connection is down.
   * `after`: the store does the work, then the answer is lost, as when a connection drops
   * between the commit and the reply.
   */
  phase?: "before" | "after";
  /** What the failing call throws; by default a `store_unavailable` wrapping an ECONNRESET. */
  error?: (method: StoreMethod) => unknown;
}

/** The controls of a store made by `faultyStore`. */
export interface FaultControl {
  /** Plans another failure; its `nth` counts the method's calls from now. */
  inject(fault: Fault): void;
  /** Drops every planned failure: the store answers normally from now on. */
  heal(): void;
  /** Calls of `method` so far, failed ones included. */
  calls(method: StoreMethod): number;
  /** Calls a fault made fail so far, in order. */
  readonly failures: readonly StoreMethod[];
}

/** A store whose calls fail as planned; everything else goes to the wrapped store. */
export type FaultyStore = Store & { readonly faults: FaultControl };

/**
 * Wraps a store so that chosen calls fail the way a backend blip makes them fail: the
 * Nth call of any method, once, N times in a row, or for a time window, before the store
 * sees it or after it did the work (a lost reply). For testing what callers of a store do
 * when it fails; the wrapped store is shared, not copied (closing either closes it).
 *
 * @example
 * const store = faultyStore(memoryStore(), [{ method: "recordAssignments" }]);
 * const abkit = createAbkit({ store });
 * await abkit.evaluate({ experimentKey: "exp", entityId: "u1" });
 * await abkit.flush(); // rejects with store_unavailable
 * await abkit.flush(); // writes the kept batch
 */
export function faultyStore(
  store: Store,
  plan: Fault[] = [],
  options: { now?: () => number } = {},
): FaultyStore {
  const now = options.now ?? Date.now;
  const counts = new Map<StoreMethod, number>();
  const failures: StoreMethod[] = [];
  let active: ActiveFault[] = [];
  const calls = (method: StoreMethod) => counts.get(method) ?? 0;
  const startOf = (fault: Fault) => calls(fault.method) + (fault.nth ?? 1);
  // A call of `method` succeeded: faults waiting for it start counting.
  const arm = (method: StoreMethod) => {
    for (const fault of active) {
      if (fault.afterCallOf === method && fault.start === Number.POSITIVE_INFINITY) {
        fault.start = startOf(fault);
      }
    }
  };
  const control: FaultControl = {
    inject(fault) {
      const armed = fault.afterCallOf === undefined;
      active.push({ ...fault, start: armed ? startOf(fault) : Number.POSITIVE_INFINITY });
    },
    heal() {
      active = [];
    },
    calls,
    failures,
  };
  for (const fault of plan) control.inject(fault);

  // The fault that fails this call, if any; spent faults are dropped on the way.
  const due = (method: StoreMethod, call: number): ActiveFault | undefined => {
    active = active.filter((fault) => !spent(fault, now()));
    const fault = active.find(
      (candidate) => candidate.method === method && call >= candidate.start,
    );
    if (fault && fault.forMs !== undefined) fault.firstFailureAt ??= now();
    if (fault) fault.failed = (fault.failed ?? 0) + 1;
    return fault;
  };

  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      if (property === "faults") return control;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function" || typeof property !== "string") return value;
      if (!wrapped.has(property)) {
        const method = property as StoreMethod;
        wrapped.set(property, async (...args: unknown[]) => {
          const call = calls(method) + 1;
          counts.set(method, call);
          const fault = due(method, call);
          if (fault && fault.phase !== "after") throw fail(fault, method);
          const result: unknown = await value.apply(target, args);
          if (fault) throw fail(fault, method);
          arm(method);
          return result;
        });
      }
      return wrapped.get(property);
    },
  }) as FaultyStore;

  function fail(fault: Fault, method: StoreMethod): unknown {
    failures.push(method);
    return fault.error ? fault.error(method) : backendBlip(store.name, method);
  }
}

/**
 * The error a store raises on a backend blip: `store_unavailable` with the driver's
 * connection error (`ECONNRESET`) as its cause.
 */
export function backendBlip(storeName: string, method: string): StoreUnavailableError {
  const cause = Object.assign(new Error("read ECONNRESET"), {
    code: "ECONNRESET",
    errno: -104,
    syscall: "read",
  });
  return new StoreUnavailableError(storeName, `${method}: ${cause.message} (injected)`, cause);
}

// --- Internal helpers ---

interface ActiveFault extends Fault {
  start: number;
  failed?: number;
  firstFailureAt?: number;
}

function spent(fault: ActiveFault, at: number): boolean {
  if (fault.forMs !== undefined) {
    return fault.firstFailureAt !== undefined && at - fault.firstFailureAt >= fault.forMs;
  }
  return (fault.failed ?? 0) >= (fault.times ?? 1);
}
