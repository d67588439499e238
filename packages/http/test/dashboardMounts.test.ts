import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { memoryStore } from "@abkit/memory";
import express from "express";
import Fastify from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { abkitRouter } from "../src/express.js";
import { abkitFastify } from "../src/fastify.js";
import type { AbkitHttpOptions } from "../src/index.js";
import { dashboardFixture } from "./dashboardFixture.js";
import { MOUNTS, type Mount } from "./servers.js";

const fixture = dashboardFixture();
afterAll(() => fixture.cleanup());

/** An app with the API mounted at "/abkit" and routes of its own around it. */
async function startApp(mount: Mount, options: AbkitHttpOptions) {
  if (mount === "express") {
    const app = express();
    const router = abkitRouter(options);
    app.use("/abkit", router);
    app.get("/other", (_req, res) => {
      res.send("the app's own page");
    });
    app.get("/abkit/other", (_req, res) => {
      res.send("the app's own page below the mount");
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        await router.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
  const app = Fastify();
  await app.register(abkitFastify, { ...options, prefix: "/abkit" });
  app.get("/other", async () => "the app's own page");
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
}

/** A GET with the path sent exactly as written (fetch would normalize "..", "%2e"). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject).end();
  });
}

const apiRootOf = (html: string) => /name="abkit-api-root" content="([^"]*)"/.exec(html)?.[1];

describe.each(MOUNTS)("the dashboard through %s, mounted at /abkit", (mount) => {
  const store = memoryStore();

  describe("at /dashboard", () => {
    let app: Awaited<ReturnType<typeof startApp>>;
    afterAll(() => app.close());

    it("redirects, serves the page and files, answers HEAD and 304", async () => {
      app = await startApp(mount, {
        store,
        dashboard: { path: "/dashboard", assetsDir: fixture.dir },
      });
      const redirect = await fetch(`${app.url}/abkit/dashboard?tab=keys`, { redirect: "manual" });
      expect(redirect.status).toBe(308);
      expect(redirect.headers.get("location")).toBe("dashboard/?tab=keys");

      const page = await fetch(`${app.url}/abkit/dashboard/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      const html = await page.text();
      expect(apiRootOf(html)).toBe("../");

      const head = await fetch(`${app.url}/abkit/dashboard/`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(html)));
      expect(await head.text()).toBe("");

      const script = await fetch(`${app.url}/abkit/dashboard/_abkit/app-abc123.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(await script.text()).toBe("console.log('app');\n");
      const etag = script.headers.get("etag")!;
      const cached = await fetch(`${app.url}/abkit/dashboard/_abkit/app-abc123.js`, {
        headers: { "If-None-Match": etag },
      });
      expect(cached.status).toBe(304);
      expect(cached.headers.get("etag")).toBe(etag);

      // fetch takes gzip and inflates it.
      const bundle = await fetch(`${app.url}/abkit/dashboard/_abkit/bundle-abc123.js`);
      expect(bundle.headers.get("content-encoding")).toBe("gzip");
      expect(await bundle.text()).toBe("export const rows = [];\n".repeat(800));

      const missing = await fetch(`${app.url}/abkit/dashboard/_abkit/missing.js`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
    });

    it.each([
      "/abkit/dashboard/_abkit/../../secret.txt",
      "/abkit/dashboard/_abkit/%2e%2e/%2e%2e/secret.txt",
      "/abkit/dashboard/_abkit/..%2f..%2fsecret.txt",
      "/abkit/dashboard/_abkit/%2e%2e%2f%2e%2e%2f%2e%2e%2foutside.txt",
      "/abkit/dashboard/_abkit/link.txt",
      "/abkit/dashboard/secret.txt",
    ])("never serves a file outside _abkit/: %s", async (path) => {
      const response = await rawGet(app.url, path);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain("beside the page");
      expect(response.body).not.toContain("above the folder");
    });

    it("leaves the app's own routes to the app, and the API works beside it", async () => {
      const other = await fetch(`${app.url}/other`);
      expect(other.status).toBe(200);
      expect(await other.text()).toBe("the app's own page");
      const anonymous = await fetch(`${app.url}/abkit/api/v1/keys/current`);
      expect(anonymous.status).toBe(401);
    });
  });

  describe("at the mount root", () => {
    let app: Awaited<ReturnType<typeof startApp>>;
    afterAll(() => app.close());

    it("redirects the bare mount point to its slash form and serves the page there", async () => {
      app = await startApp(mount, { store, dashboard: { path: "/", assetsDir: fixture.dir } });
      const redirect = await fetch(`${app.url}/abkit?x=1`, { redirect: "manual" });
      expect(redirect.status).toBe(308);
      expect(redirect.headers.get("location")).toBe("abkit/?x=1");
      const page = await fetch(`${app.url}/abkit/`);
      expect(page.status).toBe(200);
      expect(apiRootOf(await page.text())).toBe("./");
      const script = await fetch(`${app.url}/abkit/_abkit/style-abc123.css`);
      expect(script.headers.get("content-type")).toBe("text/css; charset=utf-8");
    });

    it.runIf(mount === "express")("passes the app's routes below the mount on", async () => {
      const other = await fetch(`${app.url}/abkit/other`);
      expect(other.status).toBe(200);
      expect(await other.text()).toBe("the app's own page below the mount");
    });
  });

  describe("with no dashboard option", () => {
    let app: Awaited<ReturnType<typeof startApp>>;
    afterAll(() => app.close());

    it("serves no page: the mount root is not the API's", async () => {
      app = await startApp(mount, { store });
      const page = await fetch(`${app.url}/abkit/`);
      expect(page.status).toBe(404);
      expect(await page.text()).not.toContain("abkit-api-root");
      const file = await fetch(`${app.url}/abkit/_abkit/app-abc123.js`);
      expect(file.status).toBe(404);
    });
  });
});

describe("the dashboard at the root of an Express app", () => {
  it("answers its paths and leaves every other path to the app", async () => {
    const app = express();
    const router = abkitRouter({ store: memoryStore(), dashboard: { assetsDir: fixture.dir } });
    app.use(router);
    app.get("/other", (_req, res) => {
      res.send("mine");
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(apiRootOf(await page.text())).toBe("./");
      expect(await (await fetch(`${url}/other`)).text()).toBe("mine");
      // Express's own 404 (HTML), not the API's JSON: the dashboard is no catch-all.
      const unknown = await fetch(`${url}/favicon.ico`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get("content-type")).toContain("text/html");
    } finally {
      await router.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
