import {
  type Abkit,
  AbkitError,
  type ApiKeyRecord,
  type ApiKeyScope,
  authenticateApiKey,
  parseInput,
  projectIdSchema,
  requireScope,
  type Store,
} from "@abkit/core";
import { readJsonBody } from "./body.js";
import type { EngineLease, EnginePool } from "./engines.js";
import type { HttpRequest } from "./exchange.js";

/** An authenticated key, and the engines of the projects it may reach. */
export interface Authorized {
  key: ApiKeyRecord;
  /**
   * The engine of the project the request names (`project_id` in the body, or the
   * `X-Project-Id` header), else of the key's project. Another organization's project is
   * `not_found`, never `forbidden`.
   */
  project(requested?: unknown): Promise<Abkit>;
}

/** What a route gets: the request, its body, and authentication scoped to a project. */
export interface RequestContext {
  request: HttpRequest;
  query: URLSearchParams;
  /** The parsed JSON body (read once). */
  body(): Promise<unknown>;
  /**
   * Authenticates the key (`X-Api-Key` or `Authorization: Bearer`) and checks `scope`;
   * done before the body is read, so unauthenticated callers learn nothing about it.
   */
  authorize(scope: ApiKeyScope): Promise<Authorized>;
}

/**
 * The context of one request. Engines it reaches are held in `leases` until the handler
 * releases them when the request ends, so an engine is never evicted while in use.
 */
export function createContext(
  request: HttpRequest,
  options: { store: Store; engines: EnginePool; bodyLimit: number; leases: EngineLease[] },
): RequestContext {
  let body: Promise<unknown> | null = null;
  return {
    request,
    query: request.query,
    body: () => {
      body ??= readJsonBody(request, options.bodyLimit);
      return body;
    },
    async authorize(scope) {
      const key = await authenticateApiKey(options.store, presentedKey(request));
      requireScope(key, scope);
      return {
        key,
        async project(requested) {
          const header = request.header("x-project-id");
          const projectId = parseInput(
            projectIdSchema,
            typeof requested === "string" && requested !== ""
              ? requested
              : (header ?? key.projectId),
            "project id",
          );
          if (projectId !== key.projectId) {
            const project = await options.store.getProject(projectId);
            if (!project || project.organizationId !== key.organizationId) {
              throw new AbkitError("not_found", `project "${projectId}" not found`, {
                details: { kind: "project", key: projectId },
              });
            }
          }
          const lease = options.engines.acquire(projectId);
          options.leases.push(lease);
          return lease.engine;
        },
      };
    },
  };
}

function presentedKey(request: HttpRequest): string {
  const header = request.header("x-api-key");
  if (header) return header.trim();
  const authorization = request.header("authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (bearer?.[1]) return bearer[1].trim();
  throw new AbkitError("unauthorized", "send an API key in X-Api-Key or Authorization: Bearer");
}
