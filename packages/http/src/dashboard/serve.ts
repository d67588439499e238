import { AbkitError } from "@abkit/core";
import { dashboardAssetsDir } from "@abkit/dashboard";
import type { HttpRequest, HttpResponse } from "../exchange.js";
import { ASSETS_FOLDER, etagOf, loadDashboardAssets } from "./assets.js";
import { acceptsGzip, gzipVariant } from "./compress.js";
import type { DashboardSettings } from "./options.js";
import { apiRootFrom, NOT_BUILT_PAGE, PAGE_HEADERS, withApiRoot } from "./page.js";

/** The dashboard's part of the handler: which paths it answers, and how. */
export interface DashboardServer {
  /** True for the dashboard's own paths only, never a catch-all. */
  owns(path: string): boolean;
  /** Answers a path `owns` accepted; throws `not_found` errors for the handler to format. */
  respond(request: HttpRequest): HttpResponse;
}

/** One representation of a file: its bytes and every header it is sent with. */
interface Representation {
  body: Uint8Array;
  etag: string;
  headers: Record<string, string>;
}

/** A file as it is answered: as is, and gzipped when that is worth it. */
interface Served {
  identity: Representation;
  gzip: Representation | null;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Serves the built dashboard at `settings.path`: the page (with its API root rewritten for
 * that path) and its hashed `_abkit/` files, all read into memory here, once.
 */
export function createDashboardServer(settings: DashboardSettings): DashboardServer {
  const { path } = settings;
  const assets = loadDashboardAssets(settings.assetsDir ?? dashboardAssetsDir);
  // "" is the bare mount root, which the mounts pass when the URL has no trailing slash.
  const bare = path === "/" ? "" : path;
  const base = `${bare}/`;
  const assetsBase = `${base}${ASSETS_FOLDER}/`;

  const html =
    assets.indexHtml === null ? NOT_BUILT_PAGE : withApiRoot(assets.indexHtml, apiRootFrom(path));
  const page = served(new TextEncoder().encode(html), PAGE_HEADERS);
  const pageStatus = assets.indexHtml === null ? 503 : 200;
  const files = new Map<string, Served>();
  for (const [name, file] of assets.files) {
    const headers = {
      "content-type": file.contentType,
      "cache-control": IMMUTABLE,
      "x-content-type-options": "nosniff",
    };
    files.set(name, served(file.body, headers, file.etag));
  }

  return {
    owns: (candidate) =>
      candidate === bare ||
      candidate === base ||
      candidate === `${base}index.html` ||
      candidate.startsWith(assetsBase),
    respond(request) {
      const { method } = request;
      if (method !== "GET" && method !== "HEAD") {
        throw new AbkitError("not_found", `${request.path} does not answer ${method}`);
      }
      if (request.path === bare) return redirect(request, bare === "" ? request.mount : bare);
      if (request.path === base || request.path === `${base}index.html`) {
        return answer(request, page, pageStatus);
      }
      const name = decodePath(request.path.slice(assetsBase.length));
      const file = files.get(`${ASSETS_FOLDER}/${name}`);
      if (!file) throw new AbkitError("not_found", `no dashboard file at ${request.path}`);
      return answer(request, file, 200);
    },
  };
}

// --- Internal helpers ---

// Both representations and their headers are built here once, not on each request.
function served(
  body: Uint8Array,
  headers: Readonly<Record<string, string>>,
  etag = etagOf(body),
): Served {
  const gzip = gzipVariant(body, headers["content-type"] ?? "");
  if (!gzip) return { identity: { body, etag, headers: { ...headers, etag } }, gzip: null };
  const varying = { ...headers, vary: "accept-encoding" };
  return {
    identity: { body, etag, headers: { ...varying, etag } },
    gzip: {
      ...gzip,
      headers: { ...varying, etag: gzip.etag, "content-encoding": "gzip" },
    },
  };
}

// The gzip copy when the client takes it; a 304 when it holds that version already; for
// HEAD, the headers without the bytes.
function answer(request: HttpRequest, file: Served, status: number): HttpResponse {
  const chosen =
    file.gzip && acceptsGzip(request.header("accept-encoding")) ? file.gzip : file.identity;
  const { body, etag, headers } = chosen;
  if (status === 200 && matchesEtag(request.header("if-none-match"), etag)) {
    return { status: 304, raw: true, body: EMPTY, headers };
  }
  if (request.method === "HEAD") {
    const withLength = { ...headers, "content-length": String(body.byteLength) };
    return { status, raw: true, body: EMPTY, headers: withLength };
  }
  return { status, raw: true, body, headers };
}

// Relative to the request's last segment, so it holds below any mount point or proxy prefix.
function redirect(request: HttpRequest, from: string | undefined): HttpResponse {
  const segment = from?.slice(from.lastIndexOf("/") + 1) ?? "";
  const query = request.query.toString();
  const location = `${segment === "" ? "." : segment}/${query === "" ? "" : `?${query}`}`;
  return {
    status: 308,
    raw: true,
    body: EMPTY,
    headers: { location, "content-type": "text/plain; charset=utf-8" },
  };
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed === etag || trimmed === `W/${etag}`;
  });
}

// A file name as requested, decoded; an undecodable one simply names no file.
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return "";
  }
}

const EMPTY = new Uint8Array(0);
