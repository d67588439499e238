// For crash tests: a child process that ingests is killed with SIGKILL at a random moment,
// most likely mid-batch, and the test learns which batches it had acknowledged.
import { type ChildProcess, spawn } from "node:child_process";
import { tsxLoader } from "./child/spawn.js";

/**
 * Runs `script` (an absolute path of a TypeScript or JavaScript module, loaded through tsx
 * with the `@abkit/source` condition) with `args`. The script prints `ack <batch> <events>`
 * after each batch its store acknowledged. After a random 5 to 34 acks the child is killed
 * with SIGKILL within 20 ms. Resolves with batch -> events acknowledged; rejects, with the
 * child's stderr, when it exits on its own.
 *
 * @example
 * const acked = await killMidIngest(join(import.meta.dirname, "fixtures/ingestChild.ts"), [path]);
 * // reopen the store: every acknowledged batch is counted once, none partially
 */
export async function killMidIngest(script: string, args: string[]): Promise<Map<number, number>> {
  const child = spawn(
    process.execPath,
    ["--import", tsxLoader, "--conditions=@abkit/source", script, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const acked = new Map<number, number>();
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const killAfterAcks = 5 + Math.floor(Math.random() * 30);
  let buffered = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^ack (\d+) (\d+)$/.exec(line);
        if (match) acked.set(Number(match[1]), Number(match[2]));
      }
      if (acked.size >= killAfterAcks) killSoon(child);
    });
    child.on("exit", (_code, signal) =>
      signal === "SIGKILL"
        ? resolve()
        : reject(new Error(`ingest child exited on its own: ${stderr}`)),
    );
  });
  return acked;
}

// --- Internal helpers ---

const killScheduled = new WeakSet<ChildProcess>();

// Once: after a random few milliseconds, so the kill most likely lands mid-batch.
function killSoon(target: ChildProcess): void {
  if (killScheduled.has(target)) return;
  killScheduled.add(target);
  setTimeout(() => target.kill("SIGKILL"), Math.random() * 20);
}
