import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  NextFunction,
  Router,
} from "express";
import express from "express";
import { type AbkitHttpOptions, createAbkitHandler } from "./handler.js";

/**
 * The HTTP API as an Express router. It answers every path under `/api/v1/` and
 * `/experiment/` below its mount point (a JSON 404 when no route matches) and passes every
 * other request on to the next handler.
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
      const response = await handler.handle(toFetchRequest(req));
      res.status(response.status);
      response.headers.forEach((value, name) => {
        res.setHeader(name, value);
      });
      res.end(Buffer.from(await response.arrayBuffer()));
      // An answer given before the whole upload was read (413): discard the rest, so the
      // client reads the answer instead of a reset connection.
      if (!req.readableEnded) {
        req.removeAllListeners("data");
        req.resume();
      }
    } catch (error) {
      next(error);
    }
  });
  // Express has no shutdown hook: the app calls close() to write queued assignments.
  return Object.assign(router, { close: () => handler.close() });
}

// --- Internal helpers ---

function toFetchRequest(req: ExpressRequest): Request {
  const url = `${req.protocol}://${req.get("host") ?? "localhost"}${req.url}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  if (req.method === "GET" || req.method === "HEAD")
    return new Request(url, { method: req.method, headers });
  // A body parser mounted before this router has already read the stream: re-encode its result.
  const parsed = (req as { body?: unknown }).body;
  const body = parsed !== undefined && req.readableEnded ? JSON.stringify(parsed) : bodyStream(req);
  return new Request(url, { method: req.method, headers, body, duplex: "half" } as RequestInit);
}

// Like Readable.toWeb, except that cancelling (a body over the limit) discards the rest of
// the upload instead of destroying the socket, so the client still reads the 413.
function bodyStream(req: ExpressRequest): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.once("end", () => controller.close());
      req.once("error", (error) => controller.error(error));
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      req.removeAllListeners("data");
      req.resume();
    },
  });
}
