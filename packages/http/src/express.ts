import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  NextFunction,
  Router,
} from "express";
import express from "express";
import { concat, type HttpRequest, tooLarge } from "./exchange.js";
import { type AbkitHttpOptions, createAbkitHandler } from "./handler.js";
import { errorResponse, logFailure } from "./httpError.js";

/**
 * The HTTP API as an Express router. It answers every path under `/api/v1/` and
 * `/experiment/` below its mount point (a JSON 404 when no route matches), the dashboard's
 * paths when it is on, and passes every other request on to the next handler.
 *
 * @example
 * import express from "express";
 * import { abkitRouter } from "@abkit/http/express";
 *
 * const app = express();
 * const api = abkitRouter({ store });
 * app.use("/abkit", api);
 * // on shutdown: await api.close();
 */
export function abkitRouter(options: AbkitHttpOptions): Router & { close(): Promise<void> } {
  const handler = createAbkitHandler(options);
  const router = express.Router();
  router.use(async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (!handler.owns(req.path)) return next();
    try {
      const response = await handler.respond(toHttpRequest(req));
      if (response.raw) res.writeHead(response.status, response.headers).end(response.body);
      else res.status(response.status).json(response.body);
      // An answer given before the whole upload was read (413): discard the rest, so the
      // client reads the answer instead of a reset connection.
      if (!req.readableEnded) {
        req.removeAllListeners("data");
        req.resume();
      }
    } catch (error) {
      // The handler answers its own errors; this is a failure to send (a body that cannot be
      // serialized, a closed socket). Log it, and answer in the API's shape if still possible.
      const response = errorResponse(error);
      logFailure(handler.logger, error, response, { method: req.method, path: req.path });
      if (res.headersSent) next(error);
      else res.status(response.status).json(response.body);
    }
  });
  // Express has no shutdown hook: the app calls close() to write queued assignments.
  return Object.assign(router, { close: () => handler.close() });
}

// --- Internal helpers ---

function toHttpRequest(req: ExpressRequest): HttpRequest {
  const queryAt = req.url.indexOf("?");
  return {
    method: req.method,
    path: isBareMountRoot(req) ? "" : req.path,
    mount: req.baseUrl,
    query: new URLSearchParams(queryAt < 0 ? "" : req.url.slice(queryAt + 1)),
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    body: (limit) => readBody(req, limit),
  };
}

// Express shows "/abkit" as path "/" below the mount; the handler needs to tell the two
// apart to redirect a page to its slash form.
function isBareMountRoot(req: ExpressRequest): boolean {
  if (req.path !== "/" || req.baseUrl === "") return false;
  const url = req.originalUrl;
  const queryAt = url.indexOf("?");
  return !(queryAt < 0 ? url : url.slice(0, queryAt)).endsWith("/");
}

// A body parser mounted before this router has already read the stream: re-encode its
// result. Otherwise read the stream, stopping as soon as it passes the limit.
function readBody(req: ExpressRequest, limit: number): Promise<Uint8Array> {
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined && req.readableEnded) {
    return Promise.resolve(new TextEncoder().encode(JSON.stringify(parsed)));
  }
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
