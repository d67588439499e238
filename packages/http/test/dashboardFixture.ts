import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AbkitHandler, HttpRequest, HttpResponse } from "../src/index.js";

/** The page of the fixture build, with the meta the handler rewrites. */
export const FIXTURE_INDEX = `<!doctype html>
<html><head><meta name="abkit-api-root" content="./" /><script type="module" src="./_abkit/app-abc123.js"></script></head>
<body><div id="app"></div></body></html>
`;

/** The fixture's files under `_abkit/`, by name, with the content type each must get. */
export const FIXTURE_FILES: Record<string, { body: string; type: string }> = {
  "app-abc123.js": { body: "console.log('app');\n", type: "text/javascript; charset=utf-8" },
  "app-abc123.js.map": { body: '{"version":3}', type: "application/json; charset=utf-8" },
  "style-abc123.css": { body: "body{margin:0}", type: "text/css; charset=utf-8" },
  "logo-abc123.svg": { body: "<svg xmlns='http://www.w3.org/2000/svg'/>", type: "image/svg+xml" },
  "font-abc123.woff2": { body: "wOF2", type: "font/woff2" },
  "icons/favicon-abc123.ico": { body: "ico", type: "image/x-icon" },
  // Large enough to be served gzipped to clients that take it.
  "bundle-abc123.js": {
    body: "export const rows = [];\n".repeat(800),
    type: "text/javascript; charset=utf-8",
  },
  // Large too, but of a type that is never compressed.
  "photo-abc123.png": { body: "P".repeat(4096), type: "image/png" },
};

/** A fresh temporary dashboard build; `built: false` gives the folder without `index.html`. */
export function dashboardFixture(options: { built?: boolean } = {}): {
  dir: string;
  cleanup(): void;
} {
  const root = mkdtempSync(join(tmpdir(), "abkit-dashboard-"));
  const dir = join(root, "static");
  mkdirSync(join(dir, "_abkit", "icons"), { recursive: true });
  // Files a URL must never reach: beside the page, above the folder, behind a symlink.
  writeFileSync(join(dir, "secret.txt"), "beside the page");
  writeFileSync(join(root, "outside.txt"), "above the folder");
  symlinkSync(join(root, "outside.txt"), join(dir, "_abkit", "link.txt"));
  for (const [name, file] of Object.entries(FIXTURE_FILES)) {
    writeFileSync(join(dir, "_abkit", name), file.body);
  }
  if (options.built !== false) writeFileSync(join(dir, "index.html"), FIXTURE_INDEX);
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Calls `respond` with a path exactly as given: no URL parser normalizes it first. */
export function rawGet(
  handler: AbkitHandler,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    query?: string;
    mount?: string;
  } = {},
): Promise<HttpResponse> {
  const headers = options.headers ?? {};
  const request: HttpRequest = {
    method: options.method ?? "GET",
    path,
    query: new URLSearchParams(options.query ?? ""),
    header: (name) => headers[name],
    body: async () => new Uint8Array(0),
    ...(options.mount === undefined ? {} : { mount: options.mount }),
  };
  return handler.respond(request);
}
