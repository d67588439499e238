import { createAbkit } from "@abkit/core";
import { sqliteStore } from "@abkit/sqlite";
import { EXPERIMENT, ensureExperiment } from "./experiment.js";
import { formatResults } from "./report.js";
import { simulate } from "./simulate.js";

/** Options of a demo run. */
export interface ChatbotOptions {
  /** The SQLite file; an existing one is reused. */
  dbPath: string;
  users: number;
  onProgress?: (done: number, total: number) => void;
}

/** Runs the whole story on a SQLite file and returns the lines to print. */
export async function runChatbot(options: ChatbotOptions): Promise<string[]> {
  const store = sqliteStore({ path: options.dbPath });
  const abkit = createAbkit({ store });
  try {
    const setup = await ensureExperiment(abkit);
    // Logs carry no idempotency key: log only on the first run, so reruns change nothing.
    const firstRun = (await abkit.logs(EXPERIMENT, { limit: 1 })).logs.length === 0;
    const summary = await simulate(abkit, options.users, {
      log: firstRun,
      onProgress: (done) => options.onProgress?.(done, options.users),
    });
    return [
      `Database: ${options.dbPath} (experiment ${setup === "created" ? "created" : "reused from an earlier run"})`,
      `Simulated ${summary.users.toLocaleString("en-US")} users; ${summary.inExperiment.toLocaleString("en-US")} from ES/FR entered the experiment.`,
      `Events: ${summary.accepted} accepted, ${summary.deduped} deduped${
        summary.accepted === 0 ? " (a rerun: every event was already counted)" : " (double clicks)"
      }; ${summary.logged} executions logged, ${summary.scored} scored by the judge.`,
      "",
      ...formatResults(await abkit.results(EXPERIMENT)),
    ];
  } finally {
    await abkit.close();
    await store.close();
  }
}
