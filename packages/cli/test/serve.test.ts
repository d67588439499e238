import { createServer } from "node:net";
import { join } from "node:path";
import { createAbkit } from "@abkit/core";
import { DASHBOARD_NOT_BUILT, dashboardBuilt } from "@abkit/http";
import { sqliteStore } from "@abkit/sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findKeys, runAbkit, startServer, tempDir } from "./helpers.js";

const temp = tempDir();
const dbPath = join(temp.dir, "serve.db");
const store = `sqlite:${dbPath}`;
afterAll(() => temp.cleanup());

// A checkout without `pnpm build` has no dashboard: serve still starts, warns, and answers 503.
const built = dashboardBuilt();
const withoutDashboardWarning = (stderr: string) =>
  stderr.replace(`warning: ${DASHBOARD_NOT_BUILT}\n`, "");

beforeAll(async () => {
  const db = sqliteStore({ path: dbPath });
  const abkit = createAbkit({ store: db });
  await abkit.experiments.create({
    key: "hero-copy",
    variants: [
      { key: "control", weight: 50, config: { title: "Ship faster" } },
      { key: "treatment", weight: 50, config: { title: "Experiment safely" } },
    ],
  });
  await abkit.experiments.start("hero-copy");
  await abkit.close();
  await db.close();
});

describe("abkit serve", () => {
  it("creates and prints an admin key on an empty store, serves the API, stops on SIGTERM", async () => {
    const server = await startServer(store);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.adminKey).not.toBeNull();
    expect(findKeys(server.stdout())).toHaveLength(1);
    expect(server.stdout()).toContain('for organization "default", project "default"');
    expect(server.stdout()).toContain("Save it now; it is not shown again");
    expect(server.stdout()).toContain(`abkit is serving ${store}`);

    const list = await fetch(`${server.url}/api/v1/experiments`, {
      headers: { "X-Api-Key": server.adminKey! },
    });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).toContain("hero-copy");

    const anonymous = await fetch(`${server.url}/api/v1/experiments`);
    expect(anonymous.status).toBe(401);

    // An exposure queued just before the signal is written by the shutdown's flush.
    const evaluated = await fetch(`${server.url}/api/v1/experiments/evaluate`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Api-Key": server.adminKey! },
      body: JSON.stringify({ experimentKey: "hero-copy", entityId: "visitor_1" }),
    });
    expect(evaluated.status).toBe(200);
    const { variantKey } = (await evaluated.json()) as { variantKey: string };
    expect(["control", "treatment"]).toContain(variantKey);

    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.stdout()).toContain("SIGTERM: shutting down");
    expect(server.stdout().trimEnd().endsWith("Stopped.")).toBe(true);
    expect(withoutDashboardWarning(server.stderr())).toBe("");

    const db = sqliteStore({ path: dbPath });
    const abkit = createAbkit({ store: db });
    const results = await abkit.results("hero-copy");
    expect(results.variants.find((variant) => variant.key === variantKey)?.users).toBe(1);
    await abkit.close();
    await db.close();
  });

  it("prints no key when the store has one, and stops on SIGINT too", async () => {
    const server = await startServer(store);
    expect(server.adminKey).toBeNull();
    expect(server.stdout()).not.toContain("admin key");
    const code = await server.stop("SIGINT");
    expect(code, `${server.stdout()}\n${server.stderr()}`).toBe(0);
    const keys = await runAbkit(["keys", "list", "--store", store]);
    expect(keys.stdout.trimEnd().split("\n")).toHaveLength(2); // header + the one admin key
    expect(keys.stdout).toContain("admin (created by abkit serve)");
  });

  it("serves the dashboard at / by default and prints its URL", async () => {
    const server = await startServer(store);
    try {
      expect(server.stdout()).toContain(`Dashboard: ${server.url}/\n`);
      const page = await fetch(`${server.url}/`);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      if (built) {
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<meta name="abkit-api-root" content="./" />');
      } else {
        expect(page.status).toBe(503);
        expect(await page.text()).toContain("pnpm --filter @abkit/dashboard build");
        await vi.waitFor(() => expect(server.stderr()).toContain(DASHBOARD_NOT_BUILT));
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("serves the dashboard at --dashboard-path, redirecting the path to its slash form", async () => {
    const server = await startServer(store, ["--dashboard-path", "/console"]);
    try {
      expect(server.stdout()).toContain(`Dashboard: ${server.url}/console/\n`);
      const redirect = await fetch(`${server.url}/console?tab=keys`, { redirect: "manual" });
      expect(redirect.status).toBe(308);
      expect(redirect.headers.get("location")).toBe("console/?tab=keys");
      const page = await fetch(`${server.url}/console/`);
      expect(page.status).toBe(built ? 200 : 503);
      if (built) expect(await page.text()).toContain('content="../"');
      // The root is no page any more: the plugin's JSON 404.
      const root = await fetch(`${server.url}/`);
      expect(root.status).toBe(404);
      expect(await root.json()).toMatchObject({ error: { code: "not_found" } });
      // The dashboard signs in with keys/current, served beside it.
      const anonymous = await fetch(`${server.url}/api/v1/keys/current`);
      expect(anonymous.status).toBe(401);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("serves no dashboard with --no-dashboard", async () => {
    const server = await startServer(store, ["--no-dashboard"]);
    try {
      expect(server.stdout()).not.toContain("Dashboard:");
      const root = await fetch(`${server.url}/`);
      expect(root.status).toBe(404);
      expect(await root.json()).toMatchObject({ error: { code: "not_found" } });
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.stderr()).toBe("");
  });

  it.each([
    [["--dashboard-path", "console"], 'must start with "/"'],
    [["--dashboard-path", "/api/v1"], "must not be under /api/v1/ or /experiment/"],
    [["--dashboard-path", "/a/../b"], '".."'],
    [["--no-dashboard", "--dashboard-path", "/x"], "cannot be used together"],
  ])("refuses %j with a usage error (exit 2)", async (flags, message) => {
    const { code, stderr } = await runAbkit(["serve", "--store", "memory:", ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain("Usage: abkit serve");
  });

  it("fails with exit 1 and a message when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stderr } = await runAbkit(["serve", "--store", store, "--port", String(port)]);
      expect(code).toBe(1);
      expect(stderr).toContain("EADDRINUSE");
    } finally {
      blocker.close();
    }
  });
});
