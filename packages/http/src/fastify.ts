import { AbkitError } from "@abkit/core";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { type AbkitHttpOptions, createAbkitHandler } from "./handler.js";
import { errorResponse } from "./httpError.js";

/**
 * The HTTP API as a Fastify plugin. It is encapsulated (not wrapped in fastify-plugin), so
 * `prefix` works and its body handling stays inside it.
 *
 * @example
 * import Fastify from "fastify";
 * import { abkitFastify } from "@abkit/http/fastify";
 *
 * const app = Fastify();
 * await app.register(abkitFastify, { store, prefix: "/abkit" });
 */
export const abkitFastify: FastifyPluginAsync<AbkitHttpOptions> = async (app, options) => {
  const handler = createAbkitHandler(options);
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  // The handler reads and checks bodies itself: take every body as raw bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, _request, reply) => {
    const mapped =
      error.statusCode === 413
        ? new AbkitError("payload_too_large", `the body is larger than ${bodyLimit} bytes`)
        : error.statusCode === 415
          ? new AbkitError("unsupported_media_type", error.message)
          : error.statusCode && error.statusCode < 500
            ? new AbkitError("malformed_request", error.message)
            : error;
    return send(reply, errorResponse(mapped));
  });
  app.addHook("onClose", async () => handler.close());
  // Routes are matched below the plugin's prefix.
  const prefix = app.prefix;
  const route = async (request: FastifyRequest, reply: FastifyReply) =>
    send(reply, await handler.handle(toFetchRequest(request, prefix)));
  app.all("/", route);
  app.all("/*", route);
};

// --- Internal helpers ---

function toFetchRequest(request: FastifyRequest, prefix: string): Request {
  const path = request.url.startsWith(prefix) ? request.url.slice(prefix.length) : request.url;
  const url = `${request.protocol}://${request.host}${path.startsWith("/") ? path : `/${path}`}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  const body = Buffer.isBuffer(request.body) ? new Uint8Array(request.body) : undefined;
  return new Request(url, {
    method: request.method,
    headers,
    ...(body && request.method !== "GET" ? { body } : {}),
  });
}

async function send(reply: FastifyReply, response: Response) {
  reply.code(response.status);
  response.headers.forEach((value, name) => {
    reply.header(name, value);
  });
  return reply.send(Buffer.from(await response.arrayBuffer()));
}

// fastify-plugin's metadata (name and supported Fastify), without its skip-override: the
// plugin stays encapsulated so `prefix` and its raw-body parser stay inside it.
Object.assign(abkitFastify, {
  [Symbol.for("fastify.display-name")]: "@abkit/http",
  [Symbol.for("plugin-meta")]: { name: "@abkit/http", fastify: "5.x" },
});
