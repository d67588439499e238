import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runChatbot } from "../src/chatbot.js";

const SCRIPT = fileURLToPath(new URL("../src/dashboard.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("pnpm dashboard", () => {
  it("refuses to start without the demo's file", async () => {
    dir = mkdtempSync(join(tmpdir(), "abkit-chatbot-"));
    const child = run(join(dir, "missing.db"));
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(1);
    expect(child.output()).toContain("run `npx pnpm@10 demo` first");
  });

  it("serves the demo's file with a new admin key that reads its experiment", async () => {
    dir = mkdtempSync(join(tmpdir(), "abkit-chatbot-"));
    const dbPath = join(dir, "demo.db");
    await runChatbot({ dbPath, users: 500 });
    const child = run(dbPath);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(child.output())), 20_000);
        child.stdout.on("data", () => {
          const found = /Listening on (http:\/\/\S+)/.exec(child.output());
          if (found?.[1]) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        });
      });
      expect(child.output()).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
      const key = /\bak_[A-Za-z0-9_-]{43}\b/.exec(child.output())?.[0] ?? "";
      const response = await fetch(`${url}/api/v1/experiments/math-bot-system-prompt-v2`, {
        headers: { "x-api-key": key },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "running" });
    } finally {
      child.kill("SIGTERM");
    }
  }, 60_000);
});

function run(dbPath: string) {
  const child = spawn(
    process.execPath,
    ["--import", TSX, "--conditions=@abkit/source", SCRIPT, "--port", "0"],
    {
      env: { ...process.env, ABKIT_DB: dbPath },
    },
  );
  let text = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
  });
  return Object.assign(child, { output: () => text });
}
