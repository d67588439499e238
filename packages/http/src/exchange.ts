import { requestError } from "./httpError.js";

/**
 * A request as the handler needs it: what the Express and Fastify mounts build straight
 * from their own request objects, without a Fetch `Request` in between.
 */
export interface HttpRequest {
  method: string;
  /** The path below the mount point, without the query. */
  path: string;
  query: URLSearchParams;
  /** A header's value (names are lower case), or undefined. */
  header(name: string): string | undefined;
  /** The body's bytes, at most `limit` of them (`payload_too_large` beyond). */
  body(limit: number): Promise<Uint8Array>;
  /**
   * Where the handler is mounted (`/abkit`), when a mount knows it. Only needed with `path`
   * `""`, which a mount passes for its root asked without a trailing slash.
   */
  mount?: string;
}

/**
 * What the handler answers: a JSON body, which the mount serializes (the API), or raw
 * bytes sent as they are with their headers (the dashboard's files).
 */
export type HttpResponse = JsonResponse | RawResponse;

/** A status and any JSON value. */
export interface JsonResponse {
  status: number;
  body: unknown;
  raw?: false;
  headers?: Record<string, string>;
}

/** A status, headers (with `content-type`) and a body sent unchanged; empty for HEAD and 304. */
export interface RawResponse {
  status: number;
  raw: true;
  body: Uint8Array | string;
  headers: Record<string, string>;
}

/** The request of a Fetch API runtime, as the handler reads it. */
export function fromFetchRequest(request: Request): HttpRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    header: (name) => request.headers.get(name) ?? undefined,
    body: (limit) => readStream(request.body, limit),
  };
}

/** A handler answer as a Fetch `Response`. */
export function toFetchResponse(response: HttpResponse): Response {
  const { status, headers } = response;
  if (!response.raw)
    return Response.json(response.body, headers ? { status, headers } : { status });
  const { body } = response;
  const empty = typeof body === "string" ? body === "" : body.byteLength === 0;
  // A 304 (or an answer to HEAD) must not carry a body object at all.
  return new Response(empty ? null : body, { status, headers });
}

/** Reads a web stream, refusing more than `limit` bytes while reading. */
export async function readStream(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

/** The `payload_too_large` error for a body over `limit` bytes. */
export function tooLarge(limit: number) {
  return requestError("payload_too_large", `the body is larger than ${limit} bytes`);
}

/** Joins chunks into one array of `size` bytes. */
export function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
