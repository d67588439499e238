import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CliContext } from "../src/context.js";

/** The CLI's entry point, run from its TypeScript source. */
export const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

// tsx's ESM loader, resolved from this package so it works whatever the cwd.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

/** A fresh temporary directory, removed by the returned `cleanup`. */
export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "abkit-cli-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Spawns the real `abkit` binary from source. */
export function spawnAbkit(
  args: string[],
  env: Record<string, string | undefined> = {},
): ChildProcessWithoutNullStreams {
  return spawn(
    process.execPath,
    ["--import", TSX_LOADER, "--conditions=@abkit/source", CLI, ...args],
    { env: { ...process.env, ABKIT_STORE: undefined, ...env }, stdio: ["pipe", "pipe", "pipe"] },
  );
}

/** What a finished run of the binary printed, and its exit code. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary to completion. */
export async function runAbkit(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  const child = spawnAbkit(args, env);
  const output = collect(child);
  const [code, signal] = await exited(child);
  return { code, signal, ...output() };
}

/** A running `abkit serve`. */
export interface Server {
  url: string;
  /** The admin key printed on an empty store, or null. */
  adminKey: string | null;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `abkit serve --port 0` and waits until it prints the URL it listens on. */
export async function startServer(storeUrl: string, extra: string[] = []): Promise<Server> {
  const child = spawnAbkit(["serve", "--store", storeUrl, "--port", "0", ...extra]);
  const output = collect(child);
  const exit = exited(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${show()}`)), 20_000);
    const show = () => `${output().stdout}\n--- stderr ---\n${output().stderr}`;
    child.stdout.on("data", () => {
      const found = /Listening on (http:\/\/\S+)/.exec(output().stdout);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    exit.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${show()}`));
    });
  });
  return {
    url,
    adminKey: findKeys(output().stdout)[0] ?? null,
    stdout: () => output().stdout,
    stderr: () => output().stderr,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return (await exit)[0];
    },
  };
}

/** Every API key plaintext (`ak_` + 43 base64url characters) in a text. */
export function findKeys(text: string): string[] {
  return text.match(/\bak_[A-Za-z0-9_-]{43}\b/g) ?? [];
}

/** An in-process context that records what a command prints. */
export function captureContext(env: Record<string, string | undefined> = {}): CliContext & {
  stdout: string[];
  stderr: string[];
} {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    env,
  };
}

// --- Internal helpers ---

function collect(child: ChildProcessWithoutNullStreams): () => { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return () => ({ stdout, stderr });
}

function exited(
  child: ChildProcessWithoutNullStreams,
): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve([code, signal]));
  });
}
