import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import type { ChildStoreSpec } from "../types.js";
import { type ChildMessage, type ChildRequest, type ChildTask, GO } from "./protocol.js";

/** Options of `runChildren`. */
export interface RunChildrenOptions {
  /** Absolute path of the runner script (./runner.ts, or runner.js once built). */
  runner: string;
  /** Kill every child and fail after this long, in ms. */
  timeoutMs: number;
}

/**
 * Starts one child process per task, each opening the store `spec` names; once every child
 * reports ready, tells them all to go at the same moment, and returns their results in task
 * order. Rejects (killing the others) when a child fails, with its stderr in the message.
 *
 * @example
 * const results = await runChildren(spec, tasks, { runner, timeoutMs: 60_000 });
 */
export async function runChildren(
  spec: ChildStoreSpec,
  tasks: ChildTask[],
  options: RunChildrenOptions,
): Promise<unknown[]> {
  const children = tasks.map((task, index) => startChild(index, { spec, task }, options.runner));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const state = children.map((child) => `${child.label}: ${child.stderr() || "(no stderr)"}`);
      reject(
        new Error(
          `store-tests: children timed out after ${options.timeoutMs} ms\n${state.join("\n")}`,
        ),
      );
    }, options.timeoutMs);
  });
  try {
    await Promise.race([Promise.all(children.map((child) => child.ready)), timeout]);
    // Every child starts at the same instant, a little after all of them hear `go`.
    const startAt = Date.now() + START_DELAY_MS;
    for (const child of children) child.process.stdin.end(`${GO} ${startAt}\n`);
    return await Promise.race([Promise.all(children.map((child) => child.result)), timeout]);
  } finally {
    clearTimeout(timer);
    for (const child of children) if (child.process.exitCode === null) child.process.kill();
  }
}

// --- Internal helpers ---

interface RunningChild {
  label: string;
  process: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  result: Promise<unknown>;
  stderr(): string;
}

const START_DELAY_MS = 25;

/** tsx's ESM loader, resolved from this package so it works whatever the cwd. */
export const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

function startChild(index: number, request: ChildRequest, runner: string): RunningChild {
  const child = spawn(
    process.execPath,
    ["--import", tsxLoader, "--conditions=@abkit/source", runner],
    { cwd: process.cwd(), env: process.env, stdio: ["pipe", "pipe", "pipe"] },
  );
  const label = `child ${index} (pid ${child.pid})`;
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(signal === null ? code : null));
  });
  const failure = (what: string, code: number | null) =>
    new Error(`store-tests: ${label} ${what} (exit code ${code})\n--- stderr ---\n${stderr}`);

  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  let result: { value: unknown } | undefined;
  createInterface({ input: child.stdout }).on("line", (line) => {
    const message = parseMessage(line);
    if (message?.abkitChild === "ready") onReady();
    else if (message?.abkitChild === "result") result = { value: message.result };
  });

  const finished = exited.then((code) => {
    if (code !== 0 || result === undefined) throw failure("failed", code);
    return result.value;
  });
  // A child that exits before reporting ready fails the wait for ready too.
  const readyOrFailed = Promise.race([
    ready,
    finished.then(() => {
      throw failure("exited before it was ready", 0);
    }),
  ]);
  finished.catch(() => {});
  readyOrFailed.catch(() => {});
  child.stdin.on("error", () => {}); // a child that died early closes its stdin
  child.stdin.write(`${JSON.stringify(request)}\n`);
  return { label, process: child, ready: readyOrFailed, result: finished, stderr: () => stderr };
}

function parseMessage(line: string): ChildMessage | null {
  if (!line.startsWith('{"abkitChild"')) return null;
  try {
    return JSON.parse(line) as ChildMessage;
  } catch {
    return null;
  }
}
