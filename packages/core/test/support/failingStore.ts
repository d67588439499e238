import { type Store, StoreUnavailableError } from "../../src/index.js";

type Method = "applyEvents" | "appendLog" | "attachScore" | "getLog";

/** A store whose chosen calls fail once each, as planned; the rest go to `store`. */
export interface FailingStore {
  store: Store;
  /**
   * The next call of `method` fails: `before` it reaches the store, or `after` the store did
   * the work (the reply lost). Stack several to fail several calls in a row.
   */
  failNext(method: Method, phase?: "before" | "after"): void;
  /** Calls of `method` so far, failed ones included. */
  calls(method: Method): number;
}

/** Wraps `store` so that planned calls fail with `store_unavailable`. */
export function failingStore(store: Store): FailingStore {
  const planned = new Map<Method, ("before" | "after")[]>();
  const counts = new Map<Method, number>();
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = property as Method;
      return async (...args: unknown[]) => {
        counts.set(method, (counts.get(method) ?? 0) + 1);
        const phase = planned.get(method)?.shift();
        const fail = () => new StoreUnavailableError("failing", "connection reset");
        if (phase === "before") throw fail();
        const result = await value.apply(target, args);
        if (phase === "after") throw fail();
        return result;
      };
    },
  });
  return {
    store: wrapped,
    failNext(method, phase = "before") {
      planned.set(method, [...(planned.get(method) ?? []), phase]);
    },
    calls: (method) => counts.get(method) ?? 0,
  };
}
