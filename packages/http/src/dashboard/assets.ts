import { createHash } from "node:crypto";
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";

/** A file of the dashboard, held in memory with what its response needs. */
export interface DashboardFile {
  body: Uint8Array;
  contentType: string;
  etag: string;
}

/** The built dashboard as read from its folder: the page's HTML and every `_abkit/` file. */
export interface DashboardAssets {
  /** `index.html` as text, or null when the folder holds no build. */
  indexHtml: string | null;
  /** `_abkit/` files by their path below the folder (`_abkit/index-abc.js`). */
  files: ReadonlyMap<string, DashboardFile>;
}

/** The folder of hashed files next to `index.html`. */
export const ASSETS_FOLDER = "_abkit";

/**
 * Reads `index.html` and the files under `_abkit/` once. Only regular files are read (no
 * symlinks), and requests are answered from this map alone, so nothing else on disk can
 * ever be reached through a URL. A missing folder or page reads as "not built".
 */
export function loadDashboardAssets(dir: string): DashboardAssets {
  const indexHtml = readText(join(dir, "index.html"));
  const files = new Map<string, DashboardFile>();
  if (indexHtml === null) return { indexHtml, files };
  for (const name of listFiles(dir, ASSETS_FOLDER)) {
    const body = readFileSync(join(dir, name));
    files.set(name, { body, contentType: contentTypeOf(name), etag: etagOf(body) });
  }
  return { indexHtml, files };
}

/** A strong ETag from the content, so it changes exactly when the bytes do. */
export function etagOf(body: Uint8Array | string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/** The content type of a file, by its extension. */
export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

// --- Internal helpers ---

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
};

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

// Paths below `dir` of the regular files under `folder`, with "/" separators.
function listFiles(dir: string, folder: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(dir, folder), { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    const name = `${folder}/${entry.name}`;
    if (entry.isDirectory()) names.push(...listFiles(dir, name));
    else if (entry.isFile()) names.push(name);
  }
  return names;
}
