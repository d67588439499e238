import { useEffect, useState } from "preact/hooks";

/** The pages, addressed by the URL's hash so any server path can serve the one page. */
export type Route =
  | { page: "experiments"; status: string | null }
  | { page: "new-experiment" }
  | { page: "experiment"; key: string }
  | { page: "edit-experiment"; key: string }
  | { page: "experiment-logs"; key: string; query: URLSearchParams }
  | { page: "experiment-log"; key: string; logId: string; compareWith: string | null }
  | { page: "flags" }
  | { page: "keys" }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (parts.length === 0 || (first === "experiments" && parts.length === 1)) {
    return { page: "experiments", status: new URLSearchParams(query).get("status") };
  }
  if (first === "experiments" && second === "new" && parts.length === 2) {
    return { page: "new-experiment" };
  }
  if (first === "experiments" && second && parts.length === 2) {
    return { page: "experiment", key: second };
  }
  if (first === "experiments" && second && third === "edit" && parts.length === 3) {
    return { page: "edit-experiment", key: second };
  }
  if (first === "experiments" && second && third === "logs" && parts.length === 3) {
    return { page: "experiment-logs", key: second, query: new URLSearchParams(query) };
  }
  if (first === "experiments" && second && third === "logs" && fourth && parts.length === 4) {
    const compareWith = new URLSearchParams(query).get("compare");
    return { page: "experiment-log", key: second, logId: fourth, compareWith };
  }
  if (first === "flags" && parts.length === 1) return { page: "flags" };
  if (first === "keys" && parts.length === 1) return { page: "keys" };
  return { page: "not-found", path };
}

/** A link target for a page. */
export const href = {
  experiments: (status?: string) => (status ? `#/experiments?status=${status}` : "#/experiments"),
  newExperiment: () => "#/experiments/new",
  experiment: (key: string) => `#/experiments/${encodeURIComponent(key)}`,
  editExperiment: (key: string) => `#/experiments/${encodeURIComponent(key)}/edit`,
  /** The log browser; `query` holds its filters (`variant=b&scoreName=judge`). */
  experimentLogs: (key: string, query?: URLSearchParams) => {
    const text = query?.toString();
    return `#/experiments/${encodeURIComponent(key)}/logs${text ? `?${text}` : ""}`;
  },
  experimentLog: (key: string, logId: string, compareWith?: string) =>
    `#/experiments/${encodeURIComponent(key)}/logs/${encodeURIComponent(logId)}${
      compareWith ? `?compare=${encodeURIComponent(compareWith)}` : ""
    }`,
  flags: () => "#/flags",
  keys: () => "#/keys",
};

export function navigate(target: string): void {
  window.location.hash = target;
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
