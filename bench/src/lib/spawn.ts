import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The bench package's directory. */
export const BENCH_DIR = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Node arguments to run a TypeScript file of this package from source; with BENCH_PROFILE
 * set to a directory, the child writes a CPU profile there.
 */
export function nodeArgs(file: string, args: string[]): string[] {
  const profile = process.env.BENCH_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  return [...profile, "--import", "tsx", "--conditions=@abkit/source", file, ...args];
}

export function spawnTs(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, nodeArgs(file, args), {
    cwd: BENCH_DIR,
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Resolves with the child's first stdout line that parses as JSON. */
export function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split("\n").slice(0, -1)) {
        try {
          resolve(JSON.parse(line) as T);
          return;
        } catch {
          // not JSON: keep reading
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`child exited (${code}) before printing JSON`)));
  });
}
