import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// `pnpm start` as a user runs it: the real process, its output and its exit code.
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const dir = mkdtempSync(join(tmpdir(), "abkit-example-main-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the example's start script", () => {
  it("fails with a clear message and exit 1 on a busy port, after showing the new admin key", async () => {
    const blocker = await listen();
    const { port } = blocker.address() as { port: number };
    try {
      const run = start({ PORT: String(port), ABKIT_DB: join(dir, "busy.db") });
      const code = await run.exit;
      expect(code).toBe(1);
      expect(run.stderr()).toContain(
        `error: cannot listen on 127.0.0.1:${port}: the port is already in use; stop what runs there or set PORT to another port`,
      );
      expect(run.stdout()).not.toContain("Listening");
      // The store was fresh: its only admin key was printed, not lost.
      expect(run.stdout()).toMatch(/\bak_[A-Za-z0-9_-]{43}\b/);
    } finally {
      blocker.close();
    }
  });

  it("listens on the port it got (PORT=0), answers, and stops with exit 0 on SIGTERM", async () => {
    const run = start({ PORT: "0", ABKIT_DB: join(dir, "free.db") });
    const base = await run.listening;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const chat = await fetch(`${base}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "user_42", message: "What is 12 x 7?" }),
    });
    expect(chat.status).toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
  });

  it("refuses a PORT that is not a port, with exit 2", async () => {
    const run = start({ PORT: "http", ABKIT_DB: join(dir, "bad.db") });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('error: PORT must be an integer from 0 to 65535 (got "http")');
  });
});

// --- Internal helpers ---

function listen(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function start(env: Record<string, string>) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--import", TSX, "--conditions=@abkit/source", MAIN],
    { env: { ...process.env, ...env } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const found = /Listening on (http:\/\/[\d.:]+)/.exec(stdout);
      if (found?.[1]) resolve(found[1]);
    });
    void exit.then((code) => reject(new Error(`exited with ${code}:\n${stdout}\n${stderr}`)));
  });
  listening.catch(() => {}); // awaited only by the tests that expect it to listen
  return { child, exit, listening, stdout: () => stdout, stderr: () => stderr };
}
