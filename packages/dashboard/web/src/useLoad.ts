import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "./api/client.js";

export type Load<T> =
  | { state: "loading" }
  | { state: "error"; error: ApiError }
  | { state: "ready"; data: T };

/** Loads data for a page; `reload` fetches again and keeps showing the old data meanwhile. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): [Load<T>, () => Promise<void>] {
  const [result, setResult] = useState<Load<T>>({ state: "loading" });
  // The caller lists what `load` reads in `deps`, as with useEffect.
  const run = useCallback(async () => {
    try {
      setResult({ state: "ready", data: await load() });
    } catch (error) {
      setResult({ state: "error", error: asApiError(error) });
    }
  }, deps);
  useEffect(() => {
    setResult({ state: "loading" });
    void run();
  }, [run]);
  return [result, run];
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, "client_error", String(error));
}
