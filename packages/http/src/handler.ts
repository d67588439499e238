import { AbkitError, parseInput, type Store } from "@abkit/core";
import * as z from "zod";
import { createContext, type RequestContext } from "./context.js";
import { type DashboardOption, dashboardOptionSchema } from "./dashboard/options.js";
import { createDashboardServer } from "./dashboard/serve.js";
import { type EngineLease, EnginePool } from "./engines.js";
import {
  fromFetchRequest,
  type HttpRequest,
  type HttpResponse,
  toFetchResponse,
} from "./exchange.js";
import { errorResponse, logFailure } from "./httpError.js";
import { jsonLogger, type Logger } from "./logger.js";
import { Router } from "./router.js";
import { experimentRoutes } from "./routes/experiments.js";
import { flagRoutes } from "./routes/flags.js";
import { keyRoutes } from "./routes/keys.js";
import { logRoutes } from "./routes/logs.js";
import { planRoutes } from "./routes/plan.js";
import { scoreRoutes } from "./routes/scores.js";
import { sdkRoutes } from "./routes/sdk.js";

/** Options of the HTTP API, shared by the handler and both mounts. */
export interface AbkitHttpOptions {
  /** Where state lives. The caller owns it: closing the handler does not close the store. */
  store: Store;
  /** Largest request body in bytes (413 beyond). Default 1 MiB. */
  bodyLimit?: number;
  /** Most events per track request (413 beyond). Default and maximum 1000. */
  batchLimit?: number;
  /** How stale cached definitions may be, in ms. Default 1000. */
  refreshIntervalMs?: number;
  /**
   * Serves the dashboard (off by default). `true` means `{ path: "/" }`, relative to the
   * mount; `assetsDir` defaults to the `@abkit/dashboard` build. Only the page and its
   * `_abkit/` files are answered, from memory.
   */
  dashboard?: DashboardOption;
  /**
   * Most projects whose engines stay open (definition caches, assignment write-behind,
   * bandit timers); the least recently used idle one is closed, after writing its queued
   * assignments, beyond. Default 100.
   */
  maxProjects?: number;
  /** Assignments each project's engine remembers in process. Default 10 000. */
  assignmentCacheSize?: number;
  /**
   * Where unexpected errors (every 5xx, with its stack and cause) are written; 4xx go at
   * `debug`. Takes pino, Fastify's `app.log`, or `jsonLogger()`; `false` writes nothing.
   * Default: `jsonLogger({ level: "info" })` on standard error (the Fastify mount: `app.log`).
   */
  logger?: Logger | false;
}

/** The framework-free HTTP API. */
export interface AbkitHandler {
  /** A Fetch `Request` in, a `Response` out: for any Fetch API runtime. */
  handle(request: Request): Promise<Response>;
  /** The same on the plain request the mounts build from their own (no Fetch objects). */
  respond(request: HttpRequest): Promise<HttpResponse>;
  /**
   * True for paths under the API's namespaces (`/api/v1/`, `/experiment/`) and, when it is
   * on, the dashboard's own paths; mounts pass others on.
   */
  owns(path: string): boolean;
  /** Writes queued assignments of every project and stops their timers; call on shutdown. */
  close(): Promise<void>;
  /** Where this handler logs (the mounts log their own failures there too). */
  readonly logger: Logger;
}

const optionsSchema = z.object({
  bodyLimit: z
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(1024 * 1024),
  batchLimit: z.number().int().min(1).max(1000).default(1000),
  refreshIntervalMs: z.number().int().min(0).default(1000),
  dashboard: dashboardOptionSchema,
  maxProjects: z.number().int().min(1).max(100_000).default(100),
  assignmentCacheSize: z.number().int().min(0).max(10_000_000).default(10_000),
});

/**
 * Creates the HTTP API over a store: seed 000's evaluate and track, seed 001's execution
 * log, seed 002's flags with experiments, and management of experiments, segments, flags and
 * API keys. Every error is `{ error: { code, message, details? } }` with its status.
 *
 * @example
 * const api = createAbkitHandler({ store: sqliteStore({ path: "./abkit.db" }) });
 * const response = await api.handle(new Request("http://localhost/api/v1/track", { method: "POST", ... }));
 */
export function createAbkitHandler(options: AbkitHttpOptions): AbkitHandler {
  const settings = parseInput(optionsSchema, options, "HTTP options");
  const { bodyLimit, batchLimit, dashboard } = settings;
  const logger = loggerOf(options.logger);
  const site = dashboard ? createDashboardServer(dashboard) : null;
  const engines = new EnginePool({ ...settings, store: options.store, logger });
  const router = new Router<RequestContext>();
  sdkRoutes(router, batchLimit);
  scoreRoutes(router);
  flagRoutes(router);
  experimentRoutes(router);
  logRoutes(router);
  keyRoutes(router);
  planRoutes(router);

  async function respond(request: HttpRequest): Promise<HttpResponse> {
    const leases: EngineLease[] = [];
    try {
      if (site?.owns(request.path)) return site.respond(request);
      // HEAD answers as GET does; the mounts (and `handle`) send no body with it.
      const method = request.method === "HEAD" ? "GET" : request.method;
      const found = router.match(method, request.path);
      if (found === null)
        throw new AbkitError("not_found", `no route for ${request.method} ${request.path}`);
      if (found === "method") {
        throw new AbkitError("not_found", `${request.path} does not answer ${request.method}`);
      }
      const ctx = createContext(request, { store: options.store, engines, bodyLimit, leases });
      return await found.handler(ctx, found.params);
    } catch (error) {
      const response = errorResponse(error);
      logFailure(logger, error, response, request);
      return response;
    } finally {
      for (const lease of leases) lease.release();
    }
  }

  return {
    handle: async (request) => {
      const response = toFetchResponse(await respond(fromFetchRequest(request)));
      if (request.method !== "HEAD") return response;
      return new Response(null, { status: response.status, headers: response.headers });
    },
    respond,
    owns: (path) =>
      path.startsWith("/api/v1/") || path.startsWith("/experiment/") || (site?.owns(path) ?? false),
    close: () => engines.close(),
    logger,
  };
}

// --- Internal helpers ---

function loggerOf(option: Logger | false | undefined): Logger {
  if (option === false) return jsonLogger({ level: "silent" });
  return option ?? jsonLogger({ level: "info" });
}
