import type {
  ApiKey,
  Experiment,
  ExperimentDraft,
  ExperimentResults,
  ExperimentStatus,
  Flag,
  FlagExperiment,
  LogPage,
  LogQuery,
  LogRecord,
  PlanAnswer,
  PlanRequest,
  Segment,
} from "./types.js";

/** An error as the API wrote it (`{ error: { code, message } }`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The API's root, relative to this page: the server writes it into the page's meta tag. */
function apiRoot(): URL {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="abkit-api-root"]');
  return new URL(meta?.content || "./", window.location.href);
}

/** A client of the public HTTP API, authenticated with one API key. */
export function createClient(apiKey: string) {
  const root = apiRoot();

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { "x-api-key": apiKey, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(new URL(`api/v1/${path}`, root), {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError(0, "network_error", `the server did not answer: ${String(error)}`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      throw new ApiError(
        response.status,
        typeof error?.code === "string" ? error.code : `http_${response.status}`,
        typeof error?.message === "string" ? error.message : text || response.statusText,
      );
    }
    return parsed as T;
  }

  const experiment = (key: string) => `experiments/${encodeURIComponent(key)}`;

  return {
    currentKey: () => call<{ key: ApiKey }>("GET", "keys/current").then((r) => r.key),

    listExperiments: (status?: ExperimentStatus) =>
      call<{ experiments: Experiment[] }>(
        "GET",
        status ? `experiments?status=${status}` : "experiments",
      ).then((r) => r.experiments),
    getExperiment: (key: string) => call<Experiment>("GET", experiment(key)),
    createExperiment: (draft: ExperimentDraft) => call<Experiment>("POST", "experiments", draft),
    updateExperiment: (key: string, patch: ExperimentDraft) =>
      call<Experiment>("PATCH", experiment(key), patch),
    startExperiment: (key: string) => call<Experiment>("POST", `${experiment(key)}/start`),
    stopExperiment: (key: string) => call<Experiment>("POST", `${experiment(key)}/stop`),
    results: (key: string) => call<ExperimentResults>("GET", `${experiment(key)}/results`),
    logs: (key: string, query: LogQuery = {}) =>
      call<LogPage>("GET", `${experiment(key)}/logs${queryString(query)}`),
    log: (key: string, logId: string) =>
      call<LogRecord>("GET", `${experiment(key)}/logs/${encodeURIComponent(logId)}`),
    sameInputLogs: (key: string, logId: string) =>
      call<LogPage>("GET", `${experiment(key)}/logs/${encodeURIComponent(logId)}/same-input`),

    plan: (input: PlanRequest) => call<PlanAnswer>("POST", "plan", input),

    listSegments: () => call<{ segments: Segment[] }>("GET", "segments").then((r) => r.segments),

    listFlags: () => call<{ data: Flag[] }>("GET", "flags").then((r) => r.data),
    flagExperiments: (flagId: string) =>
      call<{ data: FlagExperiment[] }>(
        "GET",
        `flags/${encodeURIComponent(flagId)}/experiments`,
      ).then((r) => r.data),

    listKeys: () => call<{ keys: ApiKey[] }>("GET", "keys").then((r) => r.keys),
    createKey: (input: { name: string; scopes: ("sdk" | "admin")[] }) =>
      call<{ key: ApiKey; plaintext: string }>("POST", "keys", input),
    revokeKey: (id: string) =>
      call<{ revoked: boolean }>("DELETE", `keys/${encodeURIComponent(id)}`),
  };
}

export type Client = ReturnType<typeof createClient>;

/** `?a=1&b=x` from the defined fields of `query`; empty when there are none. */
function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
