import { gunzipSync } from "node:zlib";
import { memoryStore } from "@abkit/memory";
import { afterAll, describe, expect, it } from "vitest";
import { type AbkitHandler, createAbkitHandler } from "../src/index.js";
import { dashboardFixture, FIXTURE_FILES, rawGet } from "./dashboardFixture.js";

const fixture = dashboardFixture();
const unbuilt = dashboardFixture({ built: false });
afterAll(() => {
  fixture.cleanup();
  unbuilt.cleanup();
});

const store = memoryStore();
// Every handler made here is closed once the file is done.
const opened: AbkitHandler[] = [];
afterAll(() => Promise.all(opened.map((handler) => handler.close())));
const handlerAt = (path?: string, assetsDir = fixture.dir) => {
  const handler = createAbkitHandler({
    store,
    dashboard: path === undefined ? { assetsDir } : { path, assetsDir },
  });
  opened.push(handler);
  return handler;
};
const get = (handler: ReturnType<typeof handlerAt>, path: string, init: RequestInit = {}) =>
  handler.handle(new Request(`http://abkit.test${path}`, init));
const apiRootOf = (html: string) => /name="abkit-api-root" content="([^"]*)"/.exec(html)?.[1];

describe("dashboard page", () => {
  it.each([
    ["/", "/", "./"],
    ["/dashboard", "/dashboard/", "../"],
    ["/a/b", "/a/b/", "../../"],
    ["/a/b/", "/a/b/", "../../"],
  ])("at %s serves index.html at %s with the API root %s", async (path, url, root) => {
    const handler = handlerAt(path);
    for (const page of [url, `${url}index.html`]) {
      const response = await get(handler, page);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("content-security-policy")).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await response.text();
      expect(apiRootOf(html)).toBe(root);
      expect(html).toContain('src="./_abkit/app-abc123.js"');
    }
  });

  it("defaults to the mount root when the option is `true` or gives no path", async () => {
    for (const handler of [createAbkitHandler({ store, dashboard: true }), handlerAt()]) {
      expect(handler.owns("/")).toBe(true);
      await handler.close();
    }
    const response = await get(handlerAt(), "/");
    expect(apiRootOf(await response.text())).toBe("./");
  });

  it("redirects the path without its slash (308), keeping the query", async () => {
    const handler = handlerAt("/a/b");
    const response = await get(handler, "/a/b?tab=flags&x=1", { redirect: "manual" });
    expect(response.status).toBe(308);
    // Relative to the last segment, so it holds below any mount point.
    expect(response.headers.get("location")).toBe("b/?tab=flags&x=1");
    expect(new URL("b/?tab=flags&x=1", "http://h/abkit/a/b").pathname).toBe("/abkit/a/b/");
    const plain = await rawGet(handler, "/a/b");
    expect(plain.status).toBe(308);
    expect(plain.headers?.location).toBe("b/");
  });

  it('redirects a bare mount root (path "") to the mount\'s slash form', async () => {
    const response = await rawGet(handlerAt("/"), "", { mount: "/tools/abkit", query: "a=1" });
    expect(response.status).toBe(308);
    expect(response.headers?.location).toBe("abkit/?a=1");
  });

  it("answers HEAD with the headers and no body", async () => {
    const handler = handlerAt("/dashboard");
    const full = await get(handler, "/dashboard/");
    const length = (await full.arrayBuffer()).byteLength;
    const head = await get(handler, "/dashboard/", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(head.headers.get("content-length")).toBe(String(length));
    expect(await head.text()).toBe("");
  });

  it("answers 304 to a matching If-None-Match on the page too", async () => {
    const handler = handlerAt("/");
    const etag = (await get(handler, "/")).headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const cached = await get(handler, "/", { headers: { "If-None-Match": etag! } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe("");
  });
});

describe("dashboard files", () => {
  const handler = handlerAt("/dashboard");

  it.each(Object.entries(FIXTURE_FILES))("serves _abkit/%s", async (name, file) => {
    const response = await get(handler, `/dashboard/_abkit/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(file.type);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("etag")).toMatch(/^"[\w-]+"$/);
    expect(await response.text()).toBe(file.body);
  });

  it("answers 304 when If-None-Match holds the ETag (weak or in a list), 200 otherwise", async () => {
    const url = "/dashboard/_abkit/app-abc123.js";
    const etag = (await get(handler, url)).headers.get("etag")!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const response = await get(handler, url, { headers: { "If-None-Match": header } });
      expect(response.status, header).toBe(304);
      expect(response.headers.get("etag")).toBe(etag);
      expect(await response.text()).toBe("");
    }
    const stale = await get(handler, url, { headers: { "If-None-Match": '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it("answers HEAD on a file with its length and no body", async () => {
    const response = await get(handler, "/dashboard/_abkit/style-abc123.css", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(
      String(FIXTURE_FILES["style-abc123.css"]!.body.length),
    );
    expect(await response.text()).toBe("");
  });

  it("answers an unknown file, a symlink and a folder with the JSON not_found", async () => {
    for (const path of ["nope.js", "link.txt", "icons", "icons/", ""]) {
      const response = await get(handler, `/dashboard/_abkit/${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });

  it.each([
    "/dashboard/_abkit/../secret.txt",
    "/dashboard/_abkit/../../outside.txt",
    "/dashboard/_abkit/%2e%2e/secret.txt",
    "/dashboard/_abkit/%2e%2e%2fsecret.txt",
    "/dashboard/_abkit/..%2F..%2Foutside.txt",
    "/dashboard/_abkit/%2e%2e%5csecret.txt",
    "/dashboard/_abkit/..\\secret.txt",
    "/dashboard/_abkit/%252e%252e/secret.txt",
    "/dashboard/_abkit/%ZZ",
    "/dashboard/_abkit//etc/passwd",
    "/dashboard/secret.txt",
    "/dashboard/../secret.txt",
  ])("never reaches a file outside _abkit/: %s", async (path) => {
    const response = await rawGet(handler, path);
    expect(response.status).toBe(404);
    expect(response.raw).toBeFalsy();
    expect(response.body).toMatchObject({ error: { code: "not_found" } });
  });

  it("answers other methods with the API's not_found error", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      for (const path of ["/dashboard/", "/dashboard/_abkit/app-abc123.js"]) {
        const response = await get(handler, path, { method });
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({
          error: { code: "not_found", message: `${path} does not answer ${method}` },
        });
      }
    }
  });
});

describe("gzip", () => {
  const handler = handlerAt("/");
  const bundle = "/_abkit/bundle-abc123.js";
  const original = FIXTURE_FILES["bundle-abc123.js"]!.body;

  it("serves a text file gzipped to clients that take it, as is to the others", async () => {
    const plain = await get(handler, bundle);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toBe("accept-encoding");
    expect(await plain.text()).toBe(original);

    const zipped = await get(handler, bundle, { headers: { "Accept-Encoding": "br, gzip" } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toBe("accept-encoding");
    expect(zipped.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(original.length / 10);
    expect(gunzipSync(bytes).toString("utf8")).toBe(original);
    // Two representations, two ETags: a cache never mixes them up.
    expect(zipped.headers.get("etag")).not.toBe(plain.headers.get("etag"));

    const refused = await get(handler, bundle, { headers: { "Accept-Encoding": "gzip;q=0" } });
    expect(refused.headers.get("content-encoding")).toBeNull();
  });

  it("answers 304 for the ETag of the representation the client would get", async () => {
    const gzipHeaders = { "Accept-Encoding": "gzip" };
    const zipped = await get(handler, bundle, { headers: gzipHeaders });
    const etag = zipped.headers.get("etag")!;
    const cached = await get(handler, bundle, {
      headers: { ...gzipHeaders, "If-None-Match": etag },
    });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("content-encoding")).toBe("gzip");
    // The gzip ETag does not validate the uncompressed bytes.
    expect((await get(handler, bundle, { headers: { "If-None-Match": etag } })).status).toBe(200);
  });

  it("gives HEAD the gzipped length when gzip is taken", async () => {
    const zipped = await get(handler, bundle, { headers: { "Accept-Encoding": "gzip" } });
    const length = (await zipped.arrayBuffer()).byteLength;
    const head = await get(handler, bundle, {
      method: "HEAD",
      headers: { "Accept-Encoding": "gzip" },
    });
    expect(head.headers.get("content-length")).toBe(String(length));
  });

  it("never compresses images, nor small files", async () => {
    for (const name of ["photo-abc123.png", "app-abc123.js"]) {
      const response = await get(handler, `/_abkit/${name}`, {
        headers: { "Accept-Encoding": "gzip" },
      });
      expect(response.headers.get("content-encoding"), name).toBeNull();
      expect(await response.text()).toBe(FIXTURE_FILES[name]!.body);
    }
  });
});

describe("dashboard ownership and options", () => {
  it("is off by default: the page is the API's JSON 404", async () => {
    const handler = createAbkitHandler({ store });
    expect(handler.owns("/")).toBe(false);
    const response = await get(handler, "/_abkit/app-abc123.js");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
    await handler.close();
  });

  it("owns only its own paths, never a catch-all", async () => {
    const atRoot = handlerAt("/");
    expect(["", "/", "/index.html", "/_abkit/x.js", "/api/v1/keys"].map(atRoot.owns)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["/other", "/index.htm", "/_abkit", "/favicon.ico", "/x/"].map(atRoot.owns)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    const below = handlerAt("/a/b");
    expect(["/a/b", "/a/b/", "/a/b/index.html", "/a/b/_abkit/y.css"].every(below.owns)).toBe(true);
    expect(["", "/", "/a", "/a/", "/a/bc", "/a/b/other", "/_abkit/y.css"].some(below.owns)).toBe(
      false,
    );
  });

  it.each([
    "dashboard",
    "",
    "/a/../b",
    "/..",
    "/a//b",
    "/a/./b",
    "/a?b",
    "/a#b",
    "/a b",
    "/a%2f",
    "/api/v1",
    "/api/v1/dashboard",
    "/experiment",
    "/experiment/x",
  ])("refuses the dashboard path %j", (path) => {
    expect(() => createAbkitHandler({ store, dashboard: { path } })).toThrow();
  });

  it("refuses unknown dashboard options", () => {
    // @ts-expect-error: a misspelt option is refused, not ignored
    expect(() => createAbkitHandler({ store, dashboard: { pth: "/x" } })).toThrow();
  });
});

describe("a dashboard that is not built", () => {
  it("answers 503 with a page saying how to build it, and handler creation succeeds", async () => {
    const handler = handlerAt("/dashboard", unbuilt.dir);
    for (const path of ["/dashboard/", "/dashboard/index.html"]) {
      const response = await get(handler, path);
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await response.text()).toContain("pnpm --filter @abkit/dashboard build");
    }
    // Its files are not served either, even those left in the folder.
    expect((await get(handler, "/dashboard/_abkit/app-abc123.js")).status).toBe(404);
  });

  it("answers 503 when the folder does not exist at all", async () => {
    const handler = handlerAt("/", `${unbuilt.dir}/missing`);
    expect((await get(handler, "/")).status).toBe(503);
  });
});
