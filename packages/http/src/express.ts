import { Readable } from "node:stream";
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
 * app.use("/abkit", abkitRouter({ store }));
 */
export function abkitRouter(options: AbkitHttpOptions): Router {
  const handler = createAbkitHandler(options);
  const router = express.Router();
  router.use(async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (!handler.owns(req.path)) return next();
    try {
      const response = await handler.handle(toFetchRequest(req));
      res.status(response.status);
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      next(error);
    }
  });
  return router;
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
  const body =
    parsed !== undefined && req.readableEnded
      ? JSON.stringify(parsed)
      : (Readable.toWeb(req) as ReadableStream);
  return new Request(url, { method: req.method, headers, body, duplex: "half" } as RequestInit);
}
