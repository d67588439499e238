import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sqliteStore } from "@abkit/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChatbot } from "../src/chatbot.js";
import { DASHBOARD_KEY_NAME } from "../src/dashboardKey.js";

const SCRIPT = fileURLToPath(new URL("../src/dashboard.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const KEY = /\bak_[A-Za-z0-9_-]{43}\b/;

const dir = mkdtempSync(join(tmpdir(), "abkit-chatbot-"));
const dbPath = join(dir, "demo.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await runChatbot({ dbPath, users: 500 });
}, 60_000);

describe("pnpm dashboard", () => {
  it("refuses to start without the demo's file", async () => {
    const child = run(join(dir, "missing.db"), ["--port", "0"]);
    expect(await child.exit).toBe(1);
    expect(child.output()).toContain("run `npx pnpm@10 demo` first");
  });

  // `npx pnpm@10 dashboard -- --port 3001` reaches the script as `-- --port 3001`.
  it("serves the demo's file with pnpm's `-- --port`, and the key reads its experiment", async () => {
    const child = run(dbPath, ["--", "--port", "0"]);
    try {
      const url = await child.listening;
      expect(child.output()).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
      expect(child.output()).toContain("Created an admin key");
      const key = KEY.exec(child.output())?.[0] ?? "";
      const response = await fetch(`${url}/api/v1/experiments/math-bot-system-prompt-v2`, {
        headers: { "x-api-key": key },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "running" });
      expect(statSync(`${dbPath}.dashboard-key`).mode & 0o777).toBe(0o600);
    } finally {
      child.kill("SIGTERM");
      expect(await child.exit).toBe(0);
    }
  }, 60_000);

  it("reuses that key on every later run, a failed one too: no new key per run", async () => {
    const first = await liveDashboardKeys();
    expect(first).toHaveLength(1);
    const blocker = await listen();
    try {
      const { port } = blocker.address() as { port: number };
      const failed = run(dbPath, ["--port", String(port)]);
      expect(await failed.exit).toBe(1);
      expect(failed.output()).toContain("the port is already in use");
      expect(failed.output()).toContain("The admin key to sign in with");
    } finally {
      blocker.close();
    }
    const again = run(dbPath, ["--", "--port", "0"]);
    await again.listening;
    again.kill("SIGTERM");
    expect(await again.exit).toBe(0);
    const after = await liveDashboardKeys();
    expect(after).toEqual(first);
    expect(await allKeys()).toHaveLength(1);
  }, 60_000);

  it("replaces a saved key that no longer works, revoking the old one", async () => {
    writeFileSync(`${dbPath}.dashboard-key`, "ak_not-a-key-of-this-database\n");
    const before = await liveDashboardKeys();
    const child = run(dbPath, ["--port", "0"]);
    await child.listening;
    child.kill("SIGTERM");
    expect(await child.exit).toBe(0);
    expect(child.output()).toContain("Created an admin key");
    const live = await liveDashboardKeys();
    expect(live).toHaveLength(1);
    expect(live).not.toEqual(before);
  }, 60_000);
});

// --- Internal helpers ---

async function allKeys() {
  const store = sqliteStore({ path: dbPath });
  try {
    return await store.listApiKeys("default");
  } finally {
    await store.close();
  }
}

async function liveDashboardKeys(): Promise<string[]> {
  return (await allKeys())
    .filter((key) => key.name === DASHBOARD_KEY_NAME && key.revokedAt === null)
    .map((key) => key.id);
}

function listen(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function run(db: string, args: string[]) {
  const child = spawn(
    process.execPath,
    ["--import", TSX, "--conditions=@abkit/source", SCRIPT, ...args],
    { env: { ...process.env, ABKIT_DB: db } },
  );
  let text = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const found = /Listening on (http:\/\/\S+)/.exec(text);
      if (found?.[1]) resolve(found[1]);
    });
    void exit.then((code) => reject(new Error(`exited with ${code}:\n${text}`)));
  });
  listening.catch(() => {}); // awaited only by the tests that expect it to listen
  return Object.assign(child, { output: () => text, exit, listening });
}
