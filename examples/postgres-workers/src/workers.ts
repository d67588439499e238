import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createAbkit } from "@abkit/core";
import { EXPERIMENT, openStore, setUp } from "./shared.js";

/** What one worker process reported. */
export interface WorkerReport {
  pid: number;
  variants: Record<string, number>;
  accepted: number;
  deduped: number;
}

/**
 * Sets up the experiment, runs `workers` app processes at once on the same database and
 * users, and returns what they reported and the lines the example prints.
 *
 * @example
 * const { lines } = await runWorkers({ url: "postgres://postgres@127.0.0.1/test", workers: 3, users: 300 });
 */
export async function runWorkers(options: { url: string; workers: number; users: number }) {
  const { url, workers, users } = options;
  const abkit = createAbkit({ store: openStore(url) });
  await setUp(abkit);
  const reports = await Promise.all(Array.from({ length: workers }, () => runWorker(url, users)));
  const results = await abkit.results(EXPERIMENT);
  await abkit.close();
  const opened = results.metrics.find((metric) => metric.name === "opened");
  const lines = [
    `${workers} processes served the same ${users} users on one PostgreSQL database:`,
    ...reports.map(
      (report) =>
        `  process ${report.pid}: variants ${JSON.stringify(report.variants)}, opened ${report.accepted} accepted, ${report.deduped} deduped`,
    ),
    "",
    `Results of "${EXPERIMENT}" (each user counted once, whichever process saw it first):`,
    ...(opened?.variants ?? []).map(
      (variant) =>
        `  ${variant.variantKey.padEnd(10)} users ${variant.users}  opened ${variant.events}`,
    ),
  ];
  return { reports, results, lines };
}

// --- Internal helpers ---

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const workerFile = fileURLToPath(new URL("./worker.ts", import.meta.url));

function runWorker(url: string, users: number): Promise<WorkerReport> {
  const child = spawn(
    process.execPath,
    ["--import", tsx, "--conditions=@abkit/source", workerFile, url, String(users)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as WorkerReport);
      else reject(new Error(`worker exited with code ${code}: ${stderr}`));
    });
  });
}
