import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { runCli } from "@abkit/cli";
import { sqliteStore } from "@abkit/sqlite";
import { dashboardKey } from "./dashboardKey.js";

// `pnpm dashboard`: the demo's results in the browser. Serves the demo's SQLite file with
// `abkit serve`, signed in with an admin key kept beside the file, so every run (a failed
// one too) reuses the same key instead of making another.
const dbPath = resolve(process.env.ABKIT_DB ?? "abkit-demo.db");
if (!existsSync(dbPath)) {
  console.error(`No demo database at ${dbPath}: run \`npx pnpm@10 demo\` first.`);
  process.exit(1);
}
// `pnpm dashboard -- --port 3001` hands the `--` on: what follows it is for serve.
const serveArgs = process.argv.slice(2);
if (serveArgs[0] === "--") serveArgs.shift();

const keyFile = `${dbPath}.dashboard-key`;
const store = sqliteStore({ path: dbPath });
let key: { plaintext: string; created: boolean };
try {
  key = await dashboardKey(store, keyFile);
} finally {
  await store.close();
}
console.log(
  `${key.created ? "Created an admin key" : "The admin key"} to sign in with (kept in ${keyFile}):`,
);
console.log(`\n    ${key.plaintext}\n`);
console.log("Open the dashboard's URL below and sign in with it; Ctrl-C stops the server.\n");
process.exitCode = await runCli(["serve", "--store", `sqlite:${dbPath}`, ...serveArgs]);
