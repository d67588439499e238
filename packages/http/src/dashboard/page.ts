/** The headers every dashboard HTML answer carries: the page runs only its own scripts. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-cache",
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
    "form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** What to do when the dashboard folder holds no build; the CLI prints the same line. */
export const DASHBOARD_NOT_BUILT =
  "The abkit dashboard is not built: run `pnpm --filter @abkit/dashboard build`, then restart the server.";

/** The small page answered (503) in place of a dashboard that is not built. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>abkit: dashboard not built</title></head>
<body><p>${DASHBOARD_NOT_BUILT.replace(/`([^`]+)`/, "<code>$1</code>")}</p></body>
</html>
`;

/**
 * The relative URL from a page served at `path` (its slash form) back to the mount root,
 * where the API lives: "./" for "/", "../" for "/dashboard", "../../" for "/a/b".
 */
export function apiRootFrom(path: string): string {
  const depth = path.split("/").filter((segment) => segment !== "").length;
  return depth === 0 ? "./" : "../".repeat(depth);
}

/**
 * `index.html` with its `abkit-api-root` meta pointing at `apiRoot`. Relative, so the page
 * works whatever the mount point and any proxy prefix in front of it.
 */
export function withApiRoot(html: string, apiRoot: string): string {
  return html.replace(
    /<meta\s+name=(["']?)abkit-api-root\1\s+content=(["']?)[^"'\s>]*\2\s*\/?>/i,
    `<meta name="abkit-api-root" content="${apiRoot}" />`,
  );
}
