import type { AddressInfo } from "node:net";
import { createApiKey, type Store } from "@abkit/core";
import {
  applyServerLimits,
  clientErrorResponder,
  connectionsCheckingInterval,
  DASHBOARD_NOT_BUILT,
  DEFAULT_SERVER_LIMITS,
  dashboardBuilt,
  jsonLogger,
  LOG_LEVELS,
  type ServerLimits,
} from "@abkit/http";
import { abkitFastify, abkitFrameworkErrors } from "@abkit/http/fastify";
import Fastify from "fastify";
import {
  helpOption,
  parseChoice,
  parseCommand,
  parsePort,
  storeOption,
  UsageError,
} from "../args.js";
import { type CliContext, printUsage, storeUrl } from "../context.js";
import { displayStoreUrl, openStore } from "../openStore.js";
import { dashboardUrl, parseDashboardFlags } from "./dashboardOption.js";
import { printPlaintext } from "./keys.js";

/** The organization and project `serve` creates its first admin key for. */
const BOOTSTRAP = { organizationId: "default", projectId: "default" } as const;

/**
 * `abkit serve`: the HTTP API on Fastify over a store, with the dashboard at "/" unless
 * told otherwise, until SIGINT or SIGTERM. On a store without keys, creates an admin key and
 * prints it once.
 */
export async function serveCommand(args: string[], ctx: CliContext): Promise<number> {
  const command = "serve";
  const { values, help } = parseCommand(command, args, {
    ...helpOption,
    ...storeOption,
    port: { type: "string" },
    host: { type: "string" },
    "dashboard-path": { type: "string" },
    "no-dashboard": { type: "boolean" },
    "request-timeout": { type: "string" },
    "headers-timeout": { type: "string" },
    "keep-alive-timeout": { type: "string" },
    "max-connections-per-client": { type: "string" },
    "log-level": { type: "string" },
  });
  if (help) return printUsage(ctx, command);
  const port = parsePort(values.port ?? "3000", command);
  const dashboard = parseDashboardFlags(values, command);
  const host = values.host ?? "127.0.0.1";
  const url = storeUrl(ctx, values.store);
  const limits = parseLimits(values, command);
  const level = parseChoice(values["log-level"] ?? "info", LOG_LEVELS, "--log-level", command);
  // JSON lines on standard error: every 5xx with its stack, refused connections, timeouts.
  const logger = jsonLogger({ level, write: (line) => ctx.err(line.trimEnd()) });

  // Listen for signals before anything else: one that arrives during startup (or right after
  // the URL is printed) must stop the server cleanly, not kill it.
  const shutdown = waitForSignal();
  const store = await openStore(url).catch((error: unknown) => {
    shutdown.dispose();
    throw error;
  });
  const app = Fastify({
    logger: false,
    frameworkErrors: abkitFrameworkErrors,
    // A request whose headers and body do not arrive in time is answered 408 and closed
    // (Fastify's default is no limit: a trickled body held its connection open forever).
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: connectionsCheckingInterval(limits),
    },
    clientErrorHandler: clientErrorResponder(logger),
  });
  applyServerLimits(app.server, limits, logger);
  try {
    await bootstrapAdminKey(store, ctx);
    await app.register(abkitFastify, { store, dashboard, logger });
    await app.listen({ port, host });
  } catch (error) {
    shutdown.dispose();
    await app.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
  const origin = listenUrl(app.server.address() as AddressInfo);
  ctx.out(`abkit is serving ${displayStoreUrl(url)}`);
  if (dashboard) {
    ctx.out(`Dashboard: ${dashboardUrl(origin, dashboard.path)}`);
    if (!dashboardBuilt()) ctx.err(`warning: ${DASHBOARD_NOT_BUILT}`);
  }
  ctx.out(`Listening on ${origin}`);

  const signal = await shutdown.signal;
  ctx.out(`${signal}: shutting down (a second signal forces the exit)`);
  // A second signal while closing means "now": exit without waiting for the flush.
  const force = () => process.exit(1);
  process.once("SIGINT", force).once("SIGTERM", force);
  try {
    // Closing Fastify stops accepting requests, waits for those in flight, and runs the
    // plugin's onClose hook, which flushes queued assignments and closes the handler.
    await app.close();
  } finally {
    await store.close();
    process.off("SIGINT", force).off("SIGTERM", force);
  }
  ctx.out("Stopped.");
  return 0;
}

// --- Internal helpers ---

/** The time and connection limits the flags ask for, else `DEFAULT_SERVER_LIMITS`. */
function parseLimits(
  values: Partial<Record<string, string | boolean>>,
  command: string,
): ServerLimits {
  const integer = (flag: string, fallback: number, min: number): number => {
    const raw = values[flag];
    if (typeof raw !== "string") return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
      throw new UsageError(
        `--${flag} must be an integer of at least ${min} (got "${raw}")`,
        command,
      );
    }
    return value;
  };
  return {
    requestTimeoutMs: integer("request-timeout", DEFAULT_SERVER_LIMITS.requestTimeoutMs, 100),
    headersTimeoutMs: integer("headers-timeout", DEFAULT_SERVER_LIMITS.headersTimeoutMs, 100),
    keepAliveTimeoutMs: integer(
      "keep-alive-timeout",
      DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
      100,
    ),
    maxConnectionsPerClient: integer(
      "max-connections-per-client",
      DEFAULT_SERVER_LIMITS.maxConnectionsPerClient,
      0,
    ),
  };
}

/** Creates an admin key when organization "default" has none at all (a fresh store). */
async function bootstrapAdminKey(store: Store, ctx: CliContext): Promise<void> {
  const existing = await store.listApiKeys(BOOTSTRAP.organizationId);
  if (existing.length > 0) return;
  const { record, plaintext } = await createApiKey(store, {
    ...BOOTSTRAP,
    name: "admin (created by abkit serve)",
    scopes: ["admin"],
  });
  ctx.out(
    `No API keys yet: created admin key ${record.id} for organization ` +
      `"${record.organizationId}", project "${record.projectId}":`,
  );
  printPlaintext(ctx, plaintext);
  ctx.out("");
}

/** The first SIGINT or SIGTERM from now on; `dispose` stops listening. */
function waitForSignal(): { signal: Promise<NodeJS.Signals>; dispose(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const dispose = () => {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  };
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (received) => {
      dispose();
      resolve(received);
    };
  });
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  return { signal, dispose };
}

function listenUrl(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
