import { type GateResults, gateResultsSchema } from "./gateResults.js";

/** The HTTP API could not give the results: unreachable, refused, or an unexpected body. */
export class FetchResultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FetchResultsError";
  }
}

/**
 * `GET <base>/api/v1/experiments/:key/results` with an admin key (docs/http.md), its body
 * checked for the fields the gate reads.
 */
export async function fetchResults(options: {
  baseUrl: string;
  apiKey: string;
  experimentKey: string;
  project?: string | undefined;
}): Promise<GateResults> {
  const url = new URL(
    `api/v1/experiments/${encodeURIComponent(options.experimentKey)}/results`,
    options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`,
  );
  if (options.project !== undefined) url.searchParams.set("projectId", options.project);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${options.apiKey}`, Accept: "application/json" },
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FetchResultsError(`cannot reach ${url.origin}: ${reason}`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new FetchResultsError(`${url.pathname} answered ${response.status}: ${errorText(body)}`);
  }
  const parsed = gateResultsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") ?? "";
    throw new FetchResultsError(
      `${url.pathname} answered results without the expected ${path || "shape"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

// --- Internal helpers ---

function errorText(body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.message === "string") {
    return typeof error.code === "string" ? `[${error.code}] ${error.message}` : error.message;
  }
  return "no error message";
}
