import type { Server } from "node:http";
import type { Socket } from "node:net";
import { AbkitError } from "@abkit/core";
import { errorResponse } from "./httpError.js";
import type { Logger } from "./logger.js";

/** Time and connection limits of a Node HTTP server facing untrusted clients. */
export interface ServerLimits {
  /** Longest a request's headers and body may take to arrive (408 beyond), in ms. */
  requestTimeoutMs: number;
  /** Longest a request's headers may take to arrive (408 beyond), in ms. */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests, in ms. */
  keepAliveTimeoutMs: number;
  /** Most open connections one client address may hold; 0 for no limit. */
  maxConnectionsPerClient: number;
}

/** What `abkit serve` uses unless told otherwise. */
export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  // Room for a burst of parallel requests from one service; still far below the
  // descriptor limit one address could otherwise exhaust.
  maxConnectionsPerClient: 1024,
});

/**
 * How often Node checks connections against the header and request timeouts: a fraction of
 * the shortest one (Node's default, 30 s, would let a 10 s timeout run to 40 s).
 */
export function connectionsCheckingInterval(limits: ServerLimits): number {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.max(50, Math.min(1000, Math.floor(shortest / 4)));
}

/**
 * Answers what Node's HTTP parser refuses before any handler runs, in the API's error shape,
 * then closes the connection: a request that did not arrive in time (`408 request_timeout`),
 * headers too large (431), anything unparsable (400). For `server.on("clientError", ...)`
 * or Fastify's `clientErrorHandler` option.
 */
export function clientErrorResponder(logger: Logger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const [status, reason, abkitError] =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [
            408,
            "Request Timeout",
            new AbkitError("request_timeout", "the request did not arrive in time"),
          ]
        : error.code === "HPE_HEADER_OVERFLOW"
          ? [
              431,
              "Request Header Fields Too Large",
              new AbkitError("malformed_request", "the request headers are too large"),
            ]
          : [
              400,
              "Bad Request",
              new AbkitError("malformed_request", "the request is not valid HTTP/1.1"),
            ];
    logger.debug({ err: error, remoteAddress: socket.remoteAddress }, `client error: ${reason}`);
    // A response already under way cannot be replaced: only close the connection then.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify(errorResponse(abkitError).body);
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/**
 * Applies `limits` to a listening-or-not Node HTTP server: request, header and keep-alive
 * timeouts, and at most `maxConnectionsPerClient` open connections per remote address (a
 * connection beyond is closed at once, before it can send anything). Does not install a
 * `clientError` listener: see `clientErrorResponder`.
 *
 * @example
 * const server = http.createServer({ connectionsCheckingInterval: connectionsCheckingInterval(limits) }, app);
 * applyServerLimits(server, limits, logger);
 * server.on("clientError", clientErrorResponder(logger));
 */
export function applyServerLimits(server: Server, limits: ServerLimits, logger: Logger): void {
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  if (limits.maxConnectionsPerClient > 0) {
    limitConnectionsPerClient(server, limits.maxConnectionsPerClient, logger);
  }
}

// --- Internal helpers ---

function limitConnectionsPerClient(server: Server, max: number, logger: Logger): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const count = open.get(address) ?? 0;
    if (count >= max) {
      // Logged once per crossing, not once per refused connection: a flood stays one line.
      if (count === max) {
        logger.warn(
          { remoteAddress: address, maxConnectionsPerClient: max },
          `client ${address} reached ${max} open connections; closing new ones until some end`,
        );
        open.set(address, max + 1);
      }
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once("close", () => {
      const now = Math.min(open.get(address) ?? 1, max) - 1;
      if (now <= 0) open.delete(address);
      else open.set(address, now);
    });
  });
}
