import { AbkitError } from "@abkit/core";
import type {
  FastifyError,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from "fastify";
import type { HttpRequest, HttpResponse } from "./exchange.js";
import { type AbkitHttpOptions, createAbkitHandler } from "./handler.js";
import { errorResponse, logFailure } from "./httpError.js";
import type { Logger } from "./logger.js";

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
  // Fastify's own logger when it is on (it has a level then); else the handler's default.
  const appLog = typeof app.log.level === "string" ? (app.log as unknown as Logger) : undefined;
  const handler = createAbkitHandler({ ...options, logger: options.logger ?? appLog });
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  // The handler reads and checks bodies itself: take every body as raw bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, request, reply) => {
    const mapped =
      error.statusCode === 413
        ? new AbkitError("payload_too_large", `the body is larger than ${bodyLimit} bytes`)
        : error.statusCode === 415
          ? new AbkitError("unsupported_media_type", error.message)
          : error.statusCode && error.statusCode < 500
            ? new AbkitError("malformed_request", error.message)
            : error;
    const response = errorResponse(mapped);
    logFailure(handler.logger, error, response, { method: request.method, path: request.url });
    return send(reply, response);
  });
  app.addHook("onClose", async () => handler.close());
  // Routes are matched below the plugin's prefix.
  const prefix = app.prefix;
  const route = async (request: FastifyRequest, reply: FastifyReply) =>
    send(reply, await handler.respond(toHttpRequest(request, prefix)));
  app.all("/", route);
  app.all("/*", route);
};

// fastify-plugin's metadata (name and supported Fastify), without its skip-override: the
// plugin stays encapsulated so `prefix` and its raw-body parser stay inside it.
Object.assign(abkitFastify, {
  [Symbol.for("fastify.display-name")]: "@abkit/http",
  [Symbol.for("plugin-meta")]: { name: "@abkit/http", fastify: "5.x" },
});

/**
 * Fastify's `frameworkErrors` option in the API's error shape. Fastify's router refuses a
 * URL it cannot decode (`/api/v1/experiments/%E0%A4%A`) or a path parameter that is too long
 * before any plugin runs, so only the server can choose that answer: pass this to `Fastify()`
 * to make it `{ error: { code: "malformed_request", message } }` like every other 4xx.
 *
 * @example
 * const app = Fastify({ frameworkErrors: abkitFrameworkErrors });
 * await app.register(abkitFastify, { store });
 */
export const abkitFrameworkErrors: NonNullable<FastifyServerOptions["frameworkErrors"]> = (
  error: FastifyError,
  _request,
  reply,
) => {
  const message =
    error.code === "FST_ERR_BAD_URL"
      ? "the URL is not validly percent-encoded"
      : error.code === "FST_ERR_MAX_PARAM_LENGTH"
        ? "a path segment is too long"
        : error.message;
  void send(reply, errorResponse(new AbkitError("malformed_request", message)));
};

// --- Internal helpers ---

function toHttpRequest(request: FastifyRequest, prefix: string): HttpRequest {
  const below = request.url.startsWith(prefix) ? request.url.slice(prefix.length) : request.url;
  const queryAt = below.indexOf("?");
  const path = queryAt < 0 ? below : below.slice(0, queryAt);
  // The parser above already read the body, within bodyLimit.
  const body = Buffer.isBuffer(request.body) ? new Uint8Array(request.body) : new Uint8Array(0);
  return {
    method: request.method,
    // "" is the prefix itself asked without a trailing slash (see HttpRequest.mount).
    path: path === "" || path.startsWith("/") ? path : `/${path}`,
    mount: prefix,
    query: new URLSearchParams(queryAt < 0 ? "" : below.slice(queryAt + 1)),
    header: (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    body: async () => body,
  };
}

function send(reply: FastifyReply, response: HttpResponse) {
  if (response.raw) {
    const { body } = response;
    return reply
      .code(response.status)
      .headers(response.headers)
      .send(
        typeof body === "string"
          ? body
          : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      );
  }
  return reply
    .code(response.status)
    .type("application/json; charset=utf-8")
    .send(JSON.stringify(response.body));
}
