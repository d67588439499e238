import type { HttpRequest } from "./exchange.js";
import { tooLarge } from "./exchange.js";
import { requestError } from "./httpError.js";

/** Deepest nesting a body may have; deeper JSON is refused before any schema walks it. */
const MAX_DEPTH = 64;
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a JSON body: `application/json` only (415), at most `limit` bytes (413, counted
 * while reading so a huge body is never buffered whole), valid UTF-8 and JSON nested at
 * most 64 deep (400). An empty body reads as `{}`.
 */
export async function readJsonBody(request: HttpRequest, limit: number): Promise<unknown> {
  const declared = Number(request.header("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const bytes = await request.body(limit);
  if (bytes.length === 0) return {};
  const type = request.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw requestError(
      "unsupported_media_type",
      `the body must be application/json, not "${type || "none"}"`,
    );
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw requestError("malformed_request", "the body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw requestError(
      "malformed_request",
      `the body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (depthExceeds(value, MAX_DEPTH)) {
    throw requestError("malformed_request", `the body is nested deeper than ${MAX_DEPTH} levels`);
  }
  return value;
}

// --- Internal helpers ---

// Iterative, so that hostile nesting cannot overflow the stack here either.
function depthExceeds(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
